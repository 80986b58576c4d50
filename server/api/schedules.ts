/**
 * /api/schedules: the apps' scheduled tasks (shapes in src/api/schedules.ts).
 *   GET  /api/schedules[?app=]             -> SchedulesResponse (an unknown app is a 404)
 *   POST /api/schedules/:app/:name/run     -> SCRIPT_RUN_EVENTS, or ScriptRunResult as JSON (audited)
 * App and schedule names are looked up in allow-lists; anything else is a 404 and nothing runs.
 */
import { Hono } from 'hono';
import type { AgentDeps, AgentEnv } from '../env.js';
import { listSchedules, prepareScheduleRun, runSchedule } from '../services/schedules/index.js';
import { streamRun } from '../services/scripts/index.js';
import { wantsJson } from './json-body.js';
import { openEventStream } from '../event-stream.js';

export function schedulesApi(deps: AgentDeps): Hono<AgentEnv> {
  const api = new Hono<AgentEnv>();
  api.get('/', async (c) => c.json(await listSchedules(deps, c.req.query('app'))));
  api.post('/:app/:name/run', async (c) => {
    const run = { deps, app: c.req.param('app'), name: c.req.param('name'), actor: c.get('actor').name };
    // Unknown names, no release, a run going on: a 4xx before any stream opens.
    await prepareScheduleRun(deps, run.app, run.name);
    if (wantsJson(c)) return c.json(await runSchedule({ ...run, signal: c.req.raw.signal }));
    return openEventStream(c, (stream) => streamRun(stream, (output) => runSchedule({ ...run, ...output })));
  });
  return api;
}

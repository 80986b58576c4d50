import { Hono } from 'hono';
import { maintenanceRequestSchema } from '../../src/api/apps.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { getApp, listApps, runAppAction } from '../services/apps/index.js';
import { backupOverview } from '../services/backups/index.js';
import { maintenanceState, setMaintenance } from '../services/maintenance/index.js';
import { ApiError } from '../errors.js';
import { openConsole } from '../services/console/index.js';
import { envDigests } from '../services/env/index.js';
import { execInApp, prepareExec } from '../services/exec/index.js';
import { streamRun } from '../services/scripts/index.js';
import { jsonBody, wantsJson } from './json-body.js';
import { openEventStream } from '../event-stream.js';

/**
 * /api/apps: the configured apps plus `nginx` and `agent` (shapes in src/api/apps.ts).
 *   GET  /api/apps                 -> AppsResponse (?include=backups: with the backups overview, or backupsError)
 *   GET  /api/apps/:name           -> AppResponse (404 names the known apps)
 *   POST /api/apps/:name/:action   -> AppActionResponse; action: start|stop|restart|reload
 *   GET  /api/apps/:name/maintenance        -> MaintenanceState
 *   PUT  /api/apps/:name/maintenance {on, message?} -> MaintenanceState (audited)
 *   GET  /api/apps/:name/env  -> EnvDigests: the env file's names, each value as a digest under a key made per answer
 *   POST /api/apps/:name/console  -> ConsoleTicket: the argv an SSH session with a terminal runs (audited)
 *   POST /api/apps/:name/exec {argv, timeoutSeconds?} -> SCRIPT_RUN_EVENTS, or ScriptRunResult as JSON (audited)
 * Names and actions are looked up in allow-lists; anything else is a 404.
 */
export function appsApi(deps: AgentDeps): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();
  app.get('/', async (c) => {
    const include = c.req.query('include');
    if (include === undefined) return c.json(await listApps({ deps }));
    if (include !== 'backups') throw new ApiError(400, `include may be "backups", not "${include.slice(0, 40)}".`);
    // `hms status` in one request: the overview failing leaves the apps standing, with the reason.
    const [apps, backups] = await Promise.all([
      listApps({ deps }),
      backupOverview(deps).then(
        (overview) => ({ backups: overview }),
        (error: Error) => ({ backupsError: error.message }),
      ),
    ]);
    return c.json({ ...apps, ...backups });
  });
  app.get('/:name', async (c) => c.json(await getApp({ deps, name: c.req.param('name') })));
  app.get('/:name/maintenance', async (c) => c.json(await maintenanceState(deps, c.req.param('name'))));
  app.put('/:name/maintenance', async (c) => {
    const body = await jsonBody(c, maintenanceRequestSchema, { example: '{"on": true, "message": "Back at 14:00 UTC."}' });
    return c.json(await setMaintenance(deps, c.req.param('name'), body, c.get('actor').name));
  });
  app.get('/:name/env', async (c) => c.json(await envDigests(deps, c.req.param('name'))));
  app.post('/:name/console', async (c) => c.json(await openConsole(deps, c.req.param('name'), c.get('actor').name)));
  app.post('/:name/exec', async (c) => {
    const name = c.req.param('name');
    const request = await c.req.json().catch(() => {
      throw new ApiError(400, 'The body must be JSON: {"argv": ["bin/rails", "runner", "puts 1"]}.');
    });
    const run = { deps, app: name, actor: c.get('actor').name, request };
    // A refused command is a 4xx before any stream opens, whichever answer was asked for.
    await prepareExec(deps, name, request);
    if (wantsJson(c)) return c.json(await execInApp({ ...run, signal: c.req.raw.signal }));
    return openEventStream(c, (stream) => streamRun(stream, (output) => execInApp({ ...run, ...output })));
  });
  app.post('/:name/:action', async (c) =>
    c.json(await runAppAction({ deps, name: c.req.param('name'), action: c.req.param('action'), actor: c.get('actor').name })),
  );
  return app;
}

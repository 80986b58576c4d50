/**
 * /api/scripts: the troubleshooting scripts in scriptsDir.
 *   GET  /            list {name, description}
 *   POST /:name/run   {args, timeoutSeconds}: Server-Sent Events (stdout, stderr, exit),
 *                     or one JSON result with `Accept: application/json`
 */
import { Hono } from 'hono';
import { runScriptRequestSchema } from '../../src/api/scripts.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { jsonBody, wantsJson } from './json-body.js';
import { checkScriptArguments, findScript, listScripts, runScript, streamScriptRun } from '../services/scripts/index.js';
import { openEventStream } from '../event-stream.js';

export function scriptsApi(deps: AgentDeps): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();

  app.get('/', async (c) => c.json(await listScripts({ deps })));

  app.post('/:name/run', async (c) => {
    const script = await findScript({ deps, name: c.req.param('name') });
    const { args, timeoutSeconds } = await jsonBody(c, runScriptRequestSchema, { example: '{"args": []}' });
    const run = { deps, actor: c.get('actor').name, script, args, timeoutSeconds };
    // Refused arguments are a 400 before any stream opens, whichever answer was asked for.
    await checkScriptArguments({ config: deps.config, script: script.name, args });
    if (wantsJson(c)) return c.json(await runScript({ ...run, signal: c.req.raw.signal }));
    return openEventStream(c, (stream) => streamScriptRun(stream, run));
  });

  return app;
}

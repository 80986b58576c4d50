/**
 * /api/scripts: the troubleshooting scripts in scriptsDir.
 *   GET  /            list {name, description}
 *   POST /:name/run   {args, timeoutSeconds}: Server-Sent Events (stdout, stderr, exit),
 *                     or one JSON result with `Accept: application/json`
 */
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { z } from 'zod';
import { runScriptRequestSchema } from '../../src/api/scripts.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { checkScriptArguments } from '../services/scripts-args.js';
import { ApiError } from '../errors.js';
import { listScripts } from '../services/scripts.js';
import { findScript, runScript } from '../services/scripts-run.js';
import { streamScriptRun } from '../services/scripts-stream.js';

async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const raw = await c.req.json().catch(() => {
    throw new ApiError(400, 'The request body is not valid JSON.', { hint: 'Send Content-Type: application/json with a JSON object such as {"args": []}.' });
  });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError(400, `body.${issue.path.join('.') || '(root)'}: ${issue.message}`, { details: { issues: parsed.error.issues } });
  }
  return parsed.data;
}

function wantsJson(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return accept.includes('application/json') && !accept.includes('text/event-stream');
}

export function scriptsApi(deps: AgentDeps): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();

  app.get('/', async (c) => c.json(await listScripts({ deps })));

  app.post('/:name/run', async (c) => {
    const script = await findScript({ deps, name: c.req.param('name') });
    const { args, timeoutSeconds } = await jsonBody(c, runScriptRequestSchema);
    const run = { deps, actor: c.get('actor').name, script, args, timeoutSeconds };
    // Refused arguments are a 400 before any stream opens, whichever answer was asked for.
    await checkScriptArguments({ config: deps.config, script: script.name, args });
    if (wantsJson(c)) return c.json(await runScript({ ...run, signal: c.req.raw.signal }));
    return streamSSE(c, (stream) => streamScriptRun(stream, run));
  });

  return app;
}

/**
 * /api/deploys: deploys of the configured apps (shapes in src/api/deploys.ts).
 *   POST   /:app            {ref?, reason?, skipTests?}: Server-Sent Events (step, output, done),
 *                           or one DeployResult with `Accept: application/json`; 423 when locked
 *   GET    /:app/releases   -> ReleaseSummary[], newest first
 *   POST   /:app/rollback   {release?, reason?} -> RollbackResult (warnings on migrations)
 *   GET    /:app/lock       -> LockStatus
 *   POST   /:app/lock       {reason} -> LockStatus (201); 423 when already locked
 *   DELETE /:app/lock       -> UnlockResult; 409 while a deploy runs, 404 when not locked
 * The app name is looked up in the config's allow-list; anything else is a 404.
 */
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { z } from 'zod';
import { deployRequestSchema, lockRequestSchema, rollbackRequestSchema } from '../../src/api/deploys.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { allowed, ApiError } from '../errors.js';
import { prepareDeploy } from '../services/deploy.js';
import { lockApp, lockStatus, unlockApp } from '../services/deploy-manual-lock.js';
import { appLayout, listReleases } from '../services/deploy-releases.js';
import { rollbackApp } from '../services/deploy-rollback.js';
import { collectDeploy, streamDeploy } from '../services/deploy-stream.js';

/** An empty body is `{}`: every field of these requests is optional or says so. */
async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  let raw: unknown = {};
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ApiError(400, 'The request body is not valid JSON.', { hint: 'Send Content-Type: application/json with a JSON object such as {"ref": "main"}.' });
    }
  }
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

export function deploysApi(deps: AgentDeps): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();

  app.post('/:app', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    const body = await jsonBody(c, deployRequestSchema);
    const prepared = await prepareDeploy({ deps, name, actor: c.get('actor').name, ref: body.ref, reason: body.reason, skipTests: body.skipTests });
    if (wantsJson(c)) return c.json(await collectDeploy(prepared, { signal: c.req.raw.signal }));
    return streamSSE(c, (stream) => streamDeploy(stream, prepared));
  });

  app.get('/:app/releases', async (c) => c.json(await listReleases(appLayout(allowed('app', c.req.param('app'), deps.config.apps)))));

  app.post('/:app/rollback', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    const body = await jsonBody(c, rollbackRequestSchema);
    return c.json(await rollbackApp({ deps, name, actor: c.get('actor').name, release: body.release, reason: body.reason }));
  });

  app.get('/:app/lock', async (c) => c.json(await lockStatus({ deps, name: c.req.param('app') })));

  app.post('/:app/lock', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    const { reason } = await jsonBody(c, lockRequestSchema);
    return c.json(await lockApp({ deps, name, actor: c.get('actor').name, reason }), 201);
  });

  app.delete('/:app/lock', async (c) => c.json(await unlockApp({ deps, name: c.req.param('app'), actor: c.get('actor').name })));

  return app;
}

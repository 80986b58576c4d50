/**
 * /api/deploys: deploys of the configured apps (shapes in src/api/deploys.ts).
 *   POST   /:app            {ref?, reason?, skipTests?}: Server-Sent Events (step, output, done),
 *                           or one DeployResult with `Accept: application/json`; 423 when locked
 *   GET    /:app/releases   -> ReleaseSummary[], newest first
 *   POST   /:app/rollback   {release?, reason?, restoreDatabase?} -> RollbackResult (warnings on migrations;
 *                           with restoreDatabase, the pre-migration backup of the current release restored first)
 *   GET    /:app/lock       -> LockStatus
 *   POST   /:app/lock       {reason} -> LockStatus (201); 423 when already locked
 *   DELETE /:app/lock       -> UnlockResult; 409 while a deploy runs, 404 when not locked
 * The app name is looked up in the config's allow-list; anything else is a 404.
 */
import { Hono } from 'hono';
import { deployRequestSchema, lockRequestSchema, rollbackRequestSchema } from '../../src/api/deploys.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { jsonBody, wantsJson } from './json-body.js';

// Every field of these bodies is optional: an empty body means {}.
const DEPLOY_BODY = { example: '{"ref": "main"}', emptyAsObject: true };
import { allowed } from '../errors.js';
import { preMigrationBackup, rollbackWithDatabase } from '../services/backups/index.js';
import {
  appLayout,
  collectDeploy,
  listReleases,
  lockApp,
  lockStatus,
  prepareDeploy,
  rollbackApp,
  streamDeploy,
  unlockApp,
} from '../services/deploys/index.js';
import { openEventStream } from '../event-stream.js';

/** An empty body is `{}`: every field of these requests is optional or says so. */
export function deploysApi(deps: AgentDeps): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();

  app.post('/:app', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    const body = await jsonBody(c, deployRequestSchema, DEPLOY_BODY);
    const prepared = await prepareDeploy({
      deps,
      name,
      actor: c.get('actor').name,
      ref: body.ref,
      reason: body.reason,
      skipTests: body.skipTests,
      backupBeforeMigrate: preMigrationBackup(deps, name, c.get('actor').name),
    });
    if (wantsJson(c)) return c.json(await collectDeploy(prepared, { signal: c.req.raw.signal }));
    return openEventStream(c, (stream) => streamDeploy(stream, prepared));
  });

  app.get('/:app/releases', async (c) => c.json(await listReleases(appLayout(allowed('app', c.req.param('app'), deps.config.apps)))));

  app.post('/:app/rollback', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    const body = await jsonBody(c, rollbackRequestSchema, DEPLOY_BODY);
    const options = { deps, name, actor: c.get('actor').name, release: body.release, reason: body.reason };
    return c.json(await (body.restoreDatabase ? rollbackWithDatabase(options) : rollbackApp(options)));
  });

  app.get('/:app/lock', async (c) => c.json(await lockStatus({ deps, name: c.req.param('app') })));

  app.post('/:app/lock', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    const { reason } = await jsonBody(c, lockRequestSchema, DEPLOY_BODY);
    return c.json(await lockApp({ deps, name, actor: c.get('actor').name, reason }), 201);
  });

  app.delete('/:app/lock', async (c) => c.json(await unlockApp({ deps, name: c.req.param('app'), actor: c.get('actor').name })));

  return app;
}

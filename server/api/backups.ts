/**
 * /api/backups: an app's database backups.
 *   GET  /       every app with a database at a glance, the timer's schedule, the last check
 *   POST /:app   take one now (kind manual); answers when it is done, ok or not
 *   GET  /:app   the app's snapshots, with their sizes, row counts and drill results
 *   POST /:app/drill   restore the latest into a scratch database and compare row counts
 *   GET  /:app/offsite the app's snapshots in the offsite repository (another server)
 *   POST /:app/fetch   copy one of those into this server's repository (a rebuilt server restores from it)
 *   GET  /:app/:snapshot/dump    the snapshot's dump as bytes (hms backup pull); …/digest its SHA-256, read apart
 *   POST /:app/restore {snapshot, dryRun?}: that snapshot becomes the live database (RestoreResult; 423 when locked);
 *        with Accept: text/event-stream, its steps as they happen, then the result (RESTORE_EVENTS)
 *   GET  /:app/kept    the databases restores replaced and kept
 *   DELETE /:app/kept/:name   drops one of them
 * The app must be a configured one (404 otherwise, nothing run).
 */
import { Hono } from 'hono';
import type { RestoreEvents } from '../../src/api/streams.js';
import { eventWriter } from '../event-stream.js';
import { restoreRequestSchema } from '../../src/api/backups.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { allowed, ApiError } from '../errors.js';
import { fetchRequestSchema } from '../../src/api/backups.js';
import {
  backupOverview,
  drillBackup,
  dropKept,
  dumpDigest,
  fetchOffsite,
  listBackups,
  listKept,
  listOffsite,
  pullDump,
  restoreBackup,
  runBackup,
} from '../services/backups/index.js';
import { jsonBody } from './json-body.js';
import { openEventStream } from '../event-stream.js';

export function backupsApi(deps: AgentDeps): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();

  app.get('/', async (c) => c.json(await backupOverview(deps)));

  app.post('/:app', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    const result = await runBackup({ deps, app: name, actor: c.get('actor').name });
    // 200 either way, as a deploy answers: the result says whether it worked and why not.
    return c.json(result);
  });

  app.post('/:app/drill', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    return c.json(await drillBackup({ deps, app: name, actor: c.get('actor').name }));
  });

  app.get('/:app', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    return c.json(await listBackups({ deps, app: name }));
  });

  app.get('/:app/offsite', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    return c.json(await listOffsite({ deps, app: name }));
  });

  app.post('/:app/fetch', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    const { snapshot } = await jsonBody(c, fetchRequestSchema, { example: '{"snapshot": "1a2b3c4d"}' });
    return c.json(await fetchOffsite({ deps, app: name, snapshot, actor: c.get('actor').name }));
  });

  app.post('/:app/restore', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    const body = await jsonBody(c, restoreRequestSchema, { example: '{"snapshot": "1a2b3c4d"}' });
    const actor = c.get('actor').name;
    const request = { deps, app: name, actor, snapshot: body.snapshot, dryRun: body.dryRun === true };
    // 200 either way: the result says what was done, what was kept, and whether the live database changed.
    if (!(c.req.header('accept') ?? '').includes('text/event-stream')) return c.json(await restoreBackup(request));
    return openEventStream(c, async (stream) => {
      const write = eventWriter<RestoreEvents>(stream);
      // A client that went away makes writes fail; the restore goes on to its safe end regardless.
      let pending = Promise.resolve();
      const send = (event: () => Promise<void>) => {
        pending = pending.then(event).catch(() => undefined);
      };
      const heartbeat = setInterval(() => send(() => stream.write(': keep-alive\n\n').then(() => undefined)), 15_000);
      try {
        const result = await restoreBackup({ ...request, onStep: (step) => send(() => write('step', step)) });
        send(() => write('done', result));
      } catch (error) {
        // Refused before anything changed (no such snapshot, the lock held): what the JSON answer's status and body say.
        const refused = error instanceof ApiError ? error : new ApiError(500, (error as Error).message);
        send(() => write('error', { status: refused.status, error: refused.message, ...(refused.hint ? { hint: refused.hint } : {}) }));
      } finally {
        clearInterval(heartbeat);
        await pending;
      }
    });
  });

  app.get('/:app/kept', async (c) => c.json(await listKept(deps, c.req.param('app'))));

  app.delete('/:app/kept/:name', async (c) => c.json(await dropKept(deps, c.req.param('app'), c.req.param('name'), c.get('actor').name)));

  app.get('/:app/:snapshot/dump', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    const { id, body } = await pullDump({ deps, app: name, snapshot: c.req.param('snapshot'), actor: c.get('actor').name });
    return new Response(body, {
      headers: {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="${name}-${id.slice(0, 8)}.dump"`,
        'x-snapshot': id,
      },
    });
  });

  app.get('/:app/:snapshot/digest', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    return c.json(await dumpDigest({ deps, app: name, snapshot: c.req.param('snapshot') }));
  });

  return app;
}

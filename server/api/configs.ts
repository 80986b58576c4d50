/**
 * /api/configs: the nginx site files in the `nginx.sites` allow-list.
 *   GET  /                       list
 *   GET  /:site                  content (+ ETag)
 *   PUT  /:site                  {content}, If-Match required: validate, back up, swap, reload
 *   GET  /:site/history          backups, newest first
 *   GET  /:site/history/:id      one backup's content
 *   POST /:site/revert           {id}: the same change, with a backup's content
 *   GET  /:site/diff?against=ID  unified diff from a backup to the live file
 */
import { Hono } from 'hono';
import { backupIdSchema, revertSiteRequestSchema, updateSiteRequestSchema } from '../../src/api/configs.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { jsonBody } from './json-body.js';
import { ApiError } from '../errors.js';
import { listSites, readSite, revertSite, siteBackup, siteDiff, siteHistory, updateSite } from '../services/configs/index.js';

function backupId(name: string, value: string | undefined): string {
  const parsed = backupIdSchema.safeParse(value ?? '');
  if (!parsed.success)
    throw new ApiError(400, `${name}: ${parsed.error.issues[0]!.message}.`, { hint: `GET /api/configs/<site>/history lists the ids.` });
  return parsed.data;
}

export function configsApi(deps: AgentDeps): Hono<AgentEnv> {
  const { nginx, stateDir } = deps.config;
  const app = new Hono<AgentEnv>();

  app.get('/', async (c) => c.json(await listSites({ nginx })));

  app.get('/:site', async (c) => {
    const site = await readSite({ nginx, site: c.req.param('site') });
    return c.json(site, 200, { etag: site.etag });
  });

  app.put('/:site', async (c) => {
    const { content } = await jsonBody(c, updateSiteRequestSchema);
    const change = await updateSite({
      deps,
      actor: c.get('actor').name,
      site: c.req.param('site'),
      content,
      ifMatch: c.req.header('if-match'),
    });
    return c.json(change, 200, { etag: change.etag });
  });

  app.get('/:site/history', async (c) => c.json(await siteHistory({ nginx, stateDir, site: c.req.param('site') })));

  app.get('/:site/history/:id', async (c) => {
    const id = backupId('id', c.req.param('id'));
    const backup = await siteBackup({ nginx, stateDir, site: c.req.param('site'), id });
    return c.json(backup, 200, { etag: backup.etag });
  });

  app.post('/:site/revert', async (c) => {
    const { id } = await jsonBody(c, revertSiteRequestSchema);
    const change = await revertSite({ deps, actor: c.get('actor').name, site: c.req.param('site'), id, ifMatch: c.req.header('if-match') });
    return c.json(change, 200, { etag: change.etag });
  });

  app.get('/:site/diff', async (c) => {
    const against = backupId('against', c.req.query('against'));
    return c.json(await siteDiff({ nginx, stateDir, site: c.req.param('site'), against }));
  });

  return app;
}

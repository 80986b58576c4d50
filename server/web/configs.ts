/**
 * /configs: the nginx sites of the `nginx.sites` allow-list, viewed, edited, diffed
 * and reverted through the same services as /api/configs.
 *   GET  /configs                        list
 *   GET  /configs/:site                  the file (numbered), the edit form, the history
 *   POST /configs/:site                  {content, etag}: test, save, reload; refused => the form again
 *   GET  /configs/:site/history/:id      one backup
 *   GET  /configs/:site/diff?against=ID  backup -> live
 *   GET  /configs/:site/revert?id=ID     asks first
 *   POST /configs/:site/revert           {id, etag}
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { backupIdSchema } from '../../src/api/configs.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { listSites, readSite, revertSite, siteBackup, siteDiff, siteHistory } from '../services/configs/index.js';
import { backupPage, diffPage, revertPage } from './configs-history-page.js';
import { siteHref, sitePage, sitesPage } from './configs-page.js';
import { failedSavePage, savedNotice, saveSiteForm, siteFormOf } from './configs-save-page.js';
import { loadHighlighter } from './nginx-highlight.js';

function backupId(name: string, value: unknown): string {
  const parsed = backupIdSchema.safeParse(typeof value === 'string' ? value : '');
  if (!parsed.success)
    throw new ApiError(400, `${name}: ${parsed.error.issues[0]!.message}.`, { hint: "Pick a version from the site's history." });
  return parsed.data;
}

const withNotice = (site: string, text: string): string => `${siteHref(site)}?done=${encodeURIComponent(text)}`;

export function configsPages(deps: AgentDeps): Hono<AgentEnv> {
  const { nginx, stateDir } = deps.config;
  const pages = new Hono<AgentEnv>();
  // A site's pages show its config highlighted: highlight.js loads on the first of them.
  const highlighter: MiddlewareHandler<AgentEnv> = async (_c, next) => {
    await loadHighlighter();
    await next();
  };
  pages.use('/configs/:site', highlighter);
  pages.use('/configs/:site/*', highlighter);

  pages.get('/configs', async (c) => c.html(sitesPage({ list: await listSites({ nginx }), actor: c.get('actor') })));

  pages.get('/configs/:site', async (c) => {
    const site = await readSite({ nginx, site: c.req.param('site') });
    const history = await siteHistory({ nginx, stateDir, site: site.name });
    return c.html(sitePage({ site, history, actor: c.get('actor'), done: c.req.query('done') }));
  });

  pages.post('/configs/:site', async (c) => {
    const form = siteFormOf(await c.req.parseBody());
    const outcome = await saveSiteForm({ deps, actor: c.get('actor').name, site: c.req.param('site'), form });
    if (outcome.saved) return c.redirect(withNotice(outcome.change.name, savedNotice(outcome.change)), 303);
    return c.html(failedSavePage(outcome, c.get('actor')), outcome.problem.status);
  });

  pages.get('/configs/:site/history/:id', async (c) => {
    const backup = await siteBackup({ nginx, stateDir, site: c.req.param('site'), id: backupId('id', c.req.param('id')) });
    return c.html(backupPage({ backup, actor: c.get('actor') }));
  });

  pages.get('/configs/:site/diff', async (c) => {
    const diff = await siteDiff({ nginx, stateDir, site: c.req.param('site'), against: backupId('against', c.req.query('against')) });
    return c.html(diffPage({ diff, actor: c.get('actor') }));
  });

  pages.get('/configs/:site/revert', async (c) => {
    const diff = await siteDiff({ nginx, stateDir, site: c.req.param('site'), against: backupId('id', c.req.query('id')) });
    return c.html(revertPage({ diff, actor: c.get('actor') }));
  });

  pages.post('/configs/:site/revert', async (c) => {
    const body = await c.req.parseBody();
    const etag = typeof body.etag === 'string' && body.etag !== '' ? body.etag : undefined;
    const change = await revertSite({
      deps,
      actor: c.get('actor').name,
      site: c.req.param('site'),
      id: backupId('id', body.id),
      ifMatch: etag,
    });
    const text = change.changed
      ? `Reverted ${change.name}; the replaced file is kept as ${change.backupId}.`
      : `Nothing changed: ${change.name} already had that content.`;
    return c.redirect(withNotice(change.name, text), 303);
  });

  return pages;
}

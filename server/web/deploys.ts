/**
 * /deploys: the apps' deploys, releases, rollback and lock in the browser, over the
 * services the API uses (each audits what it does).
 *   GET  /deploys                  every app: current release, newest release's health, lock
 *   GET  /deploys/:app             lock form or unlock button, deploy form, releases table
 *   POST /deploys/:app             {ref, reason}: the deploy, streamed as a growing HTML page
 *   GET  /deploys/:app/rollback    ?release=ID: what the rollback will do, to confirm
 *   POST /deploys/:app/rollback    {release, reason}: the rollback's result and warnings
 *   POST /deploys/:app/lock        {reason} -> 303 to the app's page
 *   POST /deploys/:app/unlock      -> 303 to the app's page
 * The app name goes through the config's allow-list (404 page otherwise). A refusal
 * (400, 404, 409, 412, 423) comes back as the app's page with the problem on top and
 * the status kept; a deploy is refused before its page starts streaming.
 */
import { Hono, type Context } from 'hono';
import type { AgentDeps, AgentEnv } from '../env.js';
import { wantsHtml } from '../auth/middleware.js';
import { allowed, ApiError } from '../errors.js';
import { preMigrationBackup } from '../services/backups/index.js';
import { lockApp, prepareDeploy, rollbackApp, unlockApp } from '../services/deploys/index.js';
import { deploysHref } from './deploys-format.js';
import { deployRequestOf, lockReasonOf, rollbackRequestOf } from './deploys-forms.js';
import { appDeploysPage, deploysOverview, loadAppDeploys, noticeFor, type DeployForms } from './deploys-page.js';
import { rollbackConfirmPage, rollbackResultPage } from './deploys-rollback-page.js';
import { deployProgressResponse } from './deploys-stream-page.js';
import { problemOf } from './error-page.js';

const typed = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 1000) : '');

export function deploysPages(deps: AgentDeps): Hono<AgentEnv> {
  const pages = new Hono<AgentEnv>();

  /** Runs a change for a known app; a refusal shows the app's page with the problem and what was typed. */
  async function onAppPage(c: Context<AgentEnv>, name: string, forms: DeployForms, action: () => Promise<Response>): Promise<Response> {
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof ApiError) || !wantsHtml(c)) throw error;
      const problem = problemOf(error);
      // The API's hint names the CLI; here the Lock section is on the same page.
      if (problem.status === 423) problem.hint = 'Wait, or unlock it in the Lock section below once nothing is running.';
      return c.html(appDeploysPage({ view: await loadAppDeploys(deps, name), actor: c.get('actor'), problem, forms }), problem.status);
    }
  }

  /** The app named in the path, through the allow-list. */
  const appName = (c: Context<AgentEnv>): string => {
    const name = c.req.param('app') ?? '';
    allowed('app', name, deps.config.apps);
    return name;
  };

  pages.get('/deploys', async (c) => {
    const apps = await Promise.all(Object.keys(deps.config.apps).map((name) => loadAppDeploys(deps, name)));
    return c.html(deploysOverview({ apps, actor: c.get('actor'), now: deps.clock() }));
  });

  pages.get('/deploys/:app', async (c) => {
    const name = appName(c);
    return c.html(
      appDeploysPage({ view: await loadAppDeploys(deps, name), actor: c.get('actor'), notice: noticeFor(c.req.query('done'), name) }),
    );
  });

  pages.post('/deploys/:app', async (c) => {
    const name = appName(c);
    const body = await c.req.parseBody();
    return onAppPage(c, name, { ref: typed(body.ref), reason: typed(body.reason) }, async () => {
      // The browser runs no tests first, as `hms deploy` without a configured checkout.
      const prepared = await prepareDeploy({
        deps,
        name,
        actor: c.get('actor').name,
        ...deployRequestOf(body),
        skipTests: false,
        fromBrowser: true,
        backupBeforeMigrate: preMigrationBackup(deps, name, c.get('actor').name),
      });
      return deployProgressResponse(c, prepared);
    });
  });

  pages.get('/deploys/:app/rollback', async (c) => {
    const name = appName(c);
    return onAppPage(c, name, {}, async () =>
      c.html(
        await rollbackConfirmPage({ view: await loadAppDeploys(deps, name), release: c.req.query('release') ?? '', actor: c.get('actor') }),
      ),
    );
  });

  pages.post('/deploys/:app/rollback', async (c) => {
    const name = appName(c);
    const body = await c.req.parseBody();
    return onAppPage(c, name, {}, async () => {
      const result = await rollbackApp({ deps, name, actor: c.get('actor').name, ...rollbackRequestOf(body) });
      return c.html(rollbackResultPage({ result, actor: c.get('actor') }));
    });
  });

  pages.post('/deploys/:app/lock', async (c) => {
    const name = appName(c);
    const body = await c.req.parseBody();
    return onAppPage(c, name, { lockReason: typed(body.reason) }, async () => {
      await lockApp({ deps, name, actor: c.get('actor').name, reason: lockReasonOf(body) });
      return c.redirect(`${deploysHref(name)}?done=locked`, 303);
    });
  });

  pages.post('/deploys/:app/unlock', async (c) => {
    const name = appName(c);
    return onAppPage(c, name, {}, async () => {
      await unlockApp({ deps, name, actor: c.get('actor').name });
      return c.redirect(`${deploysHref(name)}?done=unlocked`, 303);
    });
  });

  return pages;
}

/**
 * /backups: an app's database backups in the browser, over the services the API
 * uses (each audits what it does).
 *   GET  /backups                   every app: its last good backup and drill, red when overdue or failed
 *   GET  /backups/:app              its snapshots, "Back up now", "Run restore drill", a restore link per snapshot
 *   POST /backups/:app              back up now; the app's page with the outcome on top
 *   POST /backups/:app/drill        restore drill of the newest snapshot; the same
 *   GET  /backups/:app/restore      ?snapshot=ID: what the restore replaces and keeps, to confirm by typing the name
 *   POST /backups/:app/restore      the restore itself (the name typed out); the app's page with what was done and kept
 * The app name goes through the config's allow-list (404 page otherwise). A refusal
 * (no database, nothing to drill) comes back as the app's page with the problem on
 * top and the status kept.
 */
import { Hono, type Context } from 'hono';
import { backupSummary, drillLine } from '../../src/core/backup-render.js';
import { restoreSummary } from '../../src/core/restore-render.js';
import { wantsHtml } from '../auth/middleware.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { allowed, ApiError } from '../errors.js';
import { drillBackup, restoreBackup, runBackup } from '../services/backups/index.js';
import { appBackupsPage, backupStatusOf, backupsOverview, loadAppBackups, type BackupOutcome } from './backups-page.js';
import { restoreConfirmPage, restoreRequestOf } from './backups-restore-page.js';
import { problemOf } from './error-page.js';

export function backupsPages(deps: AgentDeps): Hono<AgentEnv> {
  const pages = new Hono<AgentEnv>();

  const appName = (c: Context<AgentEnv>): string => {
    const name = c.req.param('app') ?? '';
    allowed('app', name, deps.config.apps);
    return name;
  };

  /** Runs `task` and shows the app's page with its outcome; a refusal shows the page with the problem. */
  async function withOutcome(c: Context<AgentEnv>, name: string, task: () => Promise<BackupOutcome>): Promise<Response> {
    const actor = c.get('actor');
    try {
      const outcome = await task();
      return c.html(appBackupsPage({ view: await loadAppBackups(deps, name), actor, now: deps.clock(), outcome }));
    } catch (error) {
      if (!(error instanceof ApiError) || !wantsHtml(c)) throw error;
      const problem = problemOf(error);
      return c.html(appBackupsPage({ view: await loadAppBackups(deps, name), actor, now: deps.clock(), problem }), problem.status);
    }
  }

  pages.get('/backups', async (c) => {
    const names = Object.keys(deps.config.apps);
    const apps = await Promise.all(names.map(async (name) => ({ name, status: await backupStatusOf(deps, name) })));
    return c.html(backupsOverview({ apps, actor: c.get('actor'), now: deps.clock() }));
  });

  pages.get('/backups/:app', async (c) => {
    const name = appName(c);
    return c.html(appBackupsPage({ view: await loadAppBackups(deps, name), actor: c.get('actor'), now: deps.clock() }));
  });

  pages.post('/backups/:app', async (c) => {
    const name = appName(c);
    return withOutcome(c, name, async () => {
      const result = await runBackup({ deps, app: name, actor: c.get('actor').name });
      const lines = backupSummary(result).split('\n');
      return { ok: result.ok, lines: [`${result.ok ? '✓' : '✗'} ${lines[0]}`, ...lines.slice(1)] };
    });
  });

  pages.post('/backups/:app/drill', async (c) => {
    const name = appName(c);
    return withOutcome(c, name, async () => {
      const { snapshot, drill } = await drillBackup({ deps, app: name, actor: c.get('actor').name });
      const line = `Restore drill of ${name}, snapshot ${snapshot.slice(0, 8)}: ${drillLine(drill)}`;
      return { ok: drill.ok, lines: [`${drill.ok ? '✓' : '✗'} ${line}`] };
    });
  });

  pages.get('/backups/:app/restore', async (c) => {
    const name = appName(c);
    const view = await loadAppBackups(deps, name);
    return c.html(restoreConfirmPage({ view, snapshot: c.req.query('snapshot') ?? '', actor: c.get('actor'), now: deps.clock() }));
  });

  pages.post('/backups/:app/restore', async (c) => {
    const name = appName(c);
    return withOutcome(c, name, async () => {
      const { snapshot } = restoreRequestOf(await c.req.parseBody(), name);
      const result = await restoreBackup({ deps, app: name, actor: c.get('actor').name, snapshot, dryRun: false });
      const lines = restoreSummary(result).split('\n');
      return { ok: result.ok, lines: [`${result.ok ? '✓' : '✗'} ${lines[0]}`, ...lines.slice(1)] };
    });
  });

  return pages;
}

import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AppStatus } from '../../src/api/apps.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { allowed } from '../errors.js';
import { listApps, runAppAction, targets } from '../services/apps/index.js';
import { listCertificates } from '../services/certificates/index.js';
import { certificatesTable } from './certificates.js';
import { schedulesSection } from './schedules.js';
import { formatAgo } from '../../src/core/format.js';
import { backupStatusCell, backupStatusOf, type BackupStatus } from './backups-page.js';
import { bytes, stateClass } from './format.js';
import { layout } from './layout.js';
import { maintenanceLink } from './maintenance.js';

const ACTIONS = { start: 'Start', stop: 'Stop', restart: 'Restart', reload: 'Reload' } as const;

/** The dashboard: every app with its state and actions; actions ask for confirmation. */
export function dashboardPages(deps: AgentDeps): Hono<AgentEnv> {
  const pages = new Hono<AgentEnv>();

  pages.get('/', async (c) => {
    const snapshot = await listApps({ deps });
    const now = new Date(snapshot.at);
    const apps = snapshot.apps.filter((app) => app.kind === 'app');
    const backups = new Map(await Promise.all(apps.map(async (app) => [app.name, await backupStatusOf(deps, app.name)] as const)));
    const certificates = await listCertificates(deps);
    const schedules = await schedulesSection(deps, now);
    const done = c.req.query('done');
    return c.html(
      layout(
        `Dashboard · ${snapshot.hostname}`,
        html`${done ? html`<p class="notice">${done}</p>` : ''}
<p class="muted">Snapshot ${snapshot.at}, agent ${snapshot.version}. This page refreshes every 10 seconds.</p>
<div class="scroll"><table>
<tr><th>App</th><th>State</th><th>Since</th><th>Memory</th><th>Restarts</th><th>Health</th><th>Release</th>\
<th>Backups</th><th>Actions</th></tr>
${snapshot.apps.map((app) => row(app, now, backups))}
</table></div>
${schedules}
${certificatesTable(certificates)}`,
        { actor: c.get('actor'), head: html`<meta http-equiv="refresh" content="10">` },
      ),
    );
  });

  pages.get('/apps/:name/:action', (c) => {
    const name = c.req.param('name');
    allowed('app', name, targets(deps.config));
    const action = allowed('action', c.req.param('action'), ACTIONS);
    return c.html(
      layout(
        `${action} ${name}?`,
        html`<form method="post" action="/apps/${name}/${c.req.param('action')}">
  <input type="hidden" name="_csrf" value="${c.get('actor').csrf ?? ''}">
  <p>This will ${action.toLowerCase()} <strong>${name}</strong> on the server now.</p>
  <button>${action} ${name}</button> <a href="/">Cancel</a>
</form>`,
        { actor: c.get('actor') },
      ),
    );
  });

  pages.post('/apps/:name/:action', async (c) => {
    const result = await runAppAction({ deps, name: c.req.param('name'), action: c.req.param('action'), actor: c.get('actor').name });
    const message = `${result.action} ${result.app.name}: now ${result.app.state.activeState}${result.settled ? '' : ' (still changing)'}`;
    return c.redirect(`/?done=${encodeURIComponent(message)}`, 303);
  });

  return pages;
}

const maintenanceNote = (app: AppStatus): string => (app.maintenance ? ' · maintenance (503)' : '');

function row(app: AppStatus, now: Date, backups: Map<string, BackupStatus | undefined>) {
  const s = app.state;
  const actions =
    app.kind === 'agent'
      ? (['restart'] as const)
      : app.kind === 'worker'
        ? (['start', 'stop', 'restart'] as const)
        : (['start', 'stop', 'restart', 'reload'] as const);
  const health = app.health ? (app.health.ok ? `ok ${app.health.ms} ms` : (app.health.error ?? `HTTP ${app.health.status}`)) : '–';
  return html`<tr>
<td>${app.kind === 'worker' ? '└ ' : ''}<strong>${app.name}</strong> <span class="muted">${app.kind}</span></td>
<td class="${app.maintenance ? 'bad' : stateClass(s.activeState)}">${s.activeState} (${s.subState})${maintenanceNote(app)}</td>
<td>${formatAgo(s.since, now)}</td>
<td>${bytes(s.memoryBytes)}</td>
<td>${s.restarts ?? '–'}</td>
<td class="${app.health ? (app.health.ok ? 'ok' : 'bad') : 'muted'}">${health}</td>
<td>${app.currentRelease ?? '–'}</td>
${app.kind === 'app' ? backupStatusCell(app.name, backups.get(app.name), now) : html`<td class="muted">–</td>`}
<td>${actions.map((a) => html`<a href="/apps/${app.name}/${a}">${a}</a> `)}${maintenanceLink(app)}</td>
</tr>`;
}

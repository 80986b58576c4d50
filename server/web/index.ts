import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AgentDeps, AgentEnv } from '../env.js';
import { layout } from './layout.js';
import { configsPages } from './configs.js';
import { dashboardPages } from './dashboard.js';
import { pageError } from './error-page.js';
import { logsPages } from './logs.js';
import { scriptsPages } from './scripts.js';
import { deploysPages } from './deploys.js';
import { agentPages } from './agent.js';
import { backupsPages } from './backups.js';
import { maintenancePages } from './maintenance.js';
import { incidentsPages, navigationCounts } from './incidents.js';

/** The browser pages, each a view of the same services the API uses. */
export function pageRoutes(deps: AgentDeps): Hono<AgentEnv> {
  const pages = new Hono<AgentEnv>();
  pages.use('*', navigationCounts(deps));
  pages.route('/', dashboardPages(deps));
  pages.route('/', logsPages(deps));
  pages.route('/', configsPages(deps));
  pages.route('/', scriptsPages(deps));
  pages.route('/', deploysPages(deps));
  pages.route('/', agentPages(deps));
  pages.route('/', backupsPages(deps));
  pages.route('/', maintenancePages(deps));
  pages.route('/', incidentsPages(deps));
  pages.get('/audit', async (c) => {
    const entries = await deps.audit.recent(200);
    return c.html(
      layout(
        'Audit',
        html`<div class="scroll"><table>
<tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Result</th><th>Detail</th></tr>
${entries.map(
  (e) => html`<tr><td>${e.at}</td><td>${e.actor}</td><td>${e.action}</td><td>${e.target}</td>\
<td class="${e.result === 'ok' ? 'ok' : 'bad'}">${e.result}</td><td>${e.detail ?? ''}</td></tr>`,
)}
</table></div>`,
        { actor: c.get('actor') },
      ),
    );
  });
  // A failing page is a page too (status kept); requests not asking for HTML get the API's JSON.
  pages.onError(pageError);
  return pages;
}

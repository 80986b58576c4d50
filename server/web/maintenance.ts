/**
 * Maintenance from the dashboard, over the service the API uses (audited there):
 *   GET  /maintenance/:app   what turning it on (with the 503 page's message) or off does, to confirm
 *   POST /maintenance/:app   on=on|off [message]; back to the dashboard with what was done on top
 * The app name goes through the config's allow-list (404 page otherwise); a message that
 * is not one plain line comes back as a 400 page saying why.
 */
import { Hono } from 'hono';
import { html } from 'hono/html';
import { maintenanceRequestSchema, type AppStatus } from '../../src/api/apps.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { allowed, ApiError } from '../errors.js';
import { maintenanceState, setMaintenance } from '../services/maintenance/index.js';
import { layout } from './layout.js';

const OFF_HINT = 'it serves its requests again';

export function maintenancePages(deps: AgentDeps): Hono<AgentEnv> {
  const pages = new Hono<AgentEnv>();

  pages.get('/maintenance/:app', async (c) => {
    const state = await maintenanceState(deps, c.req.param('app'));
    const app = state.app;
    const csrf = c.get('actor').csrf ?? '';
    const title = state.on ? `Take ${app} out of maintenance?` : `Put ${app} in maintenance?`;
    const since = state.on ? html`<p>In maintenance since ${state.at ?? '?'} by ${state.by ?? '?'}.</p>` : '';
    return c.html(
      layout(
        title,
        html`<h1>${title}</h1>${since}
<form method="post" action="/maintenance/${app}" id="maintenance-form">
  <input type="hidden" name="_csrf" value="${csrf}">
  <input type="hidden" name="on" value="${state.on ? 'off' : 'on'}">
  ${
    state.on
      ? html`<p>Then ${app} ${OFF_HINT}.</p>`
      : html`<p><strong>${app}</strong> answers 503 (with Retry-After) to every request until maintenance is off; \
the hosting site and the other apps keep serving.</p>
  <label>Message on the 503 page (optional, one line)
  <input name="message" maxlength="500" size="60" placeholder="Back at 14:00 UTC."></label>`
  }
  <button>${state.on ? `Maintenance off for ${app}` : `Maintenance on for ${app}`}</button> <a href="/">Cancel</a>
</form>`,
        { actor: c.get('actor') },
      ),
    );
  });

  pages.post('/maintenance/:app', async (c) => {
    const name = c.req.param('app');
    allowed('app', name, deps.config.apps);
    const body = await c.req.parseBody();
    const message = typeof body.message === 'string' ? body.message.trim() : '';
    const request = maintenanceRequestSchema.safeParse({ on: body.on === 'on', ...(body.on === 'on' && message ? { message } : {}) });
    if (!request.success || (body.on !== 'on' && body.on !== 'off')) {
      const why = request.success ? 'on must be on or off' : `the message ${request.error.issues[0]?.message ?? 'is not valid'}`;
      throw new ApiError(400, `Maintenance of ${name} was not changed: ${why}.`, { hint: 'Go back and correct it.' });
    }
    const state = await setMaintenance(deps, name, request.data, c.get('actor').name);
    const done = state.on
      ? `${name} is in maintenance: nginx answers 503 with Retry-After until it is off.`
      : `${name} is out of maintenance: ${OFF_HINT}.`;
    return c.redirect(`/?done=${encodeURIComponent(done)}`, 303);
  });

  return pages;
}

/** The dashboard's link for an app: to the page that turns maintenance on or off. */
export const maintenanceLink = (app: AppStatus) =>
  app.kind === 'app' ? html`<a href="/maintenance/${app.name}">maintenance ${app.maintenance ? 'off' : 'on'}</a>` : '';

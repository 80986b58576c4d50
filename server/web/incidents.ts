/**
 * The Incidents page, over the watcher the API uses (deps.alerts; mutes and tests are audited there):
 *   GET  /incidents          open and resolved incidents, channels, deliveries, mutes, and the forms
 *   POST /incidents/test     [channel]          a test to one channel, or to every one
 *   POST /incidents/mute     target, duration   a rule or an app muted for 30m ... 7d
 *   POST /incidents/unmute   target
 * Each POST goes back to the page with what was done on top. A target must be a rule or a
 * configured app (an unmute may also name any current mute); a channel must be configured.
 * Without the watcher (deps.alerts absent) the page says so and the forms are refused.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { html } from 'hono/html';
import { ALERT_RULES, muteRequestSchema } from '../../src/api/alerts.js';
import { formatMinutes, incidentCounts, parseMuteDuration, testOutcome } from '../../src/core/incident-format.js';
import { wantsHtml } from '../auth/middleware.js';
import type { AgentDeps, AgentEnv, AlertsService } from '../env.js';
import { ApiError, unknownName } from '../errors.js';
import { incidentsBody } from './incidents-page.js';
import { layout } from './layout.js';

const NOT_RUNNING = 'The incidents watcher is not running in this agent.';
const NOT_RUNNING_HINT = 'Update the agent (hms update-hosting-api) and check `journalctl -u hms-agent` for why it did not start.';

export function incidentsPages(deps: AgentDeps): Hono<AgentEnv> {
  const pages = new Hono<AgentEnv>();
  const watcher = (): AlertsService => {
    if (!deps.alerts) throw new ApiError(503, NOT_RUNNING, { hint: NOT_RUNNING_HINT });
    return deps.alerts;
  };
  const back = (done: string) => `/incidents?done=${encodeURIComponent(done)}`;

  pages.get('/incidents', async (c) => {
    const actor = c.get('actor');
    const head = html`<meta http-equiv="refresh" content="30">`;
    if (!deps.alerts)
      return c.html(layout('Incidents', html`<p class="error">${NOT_RUNNING}</p><p>${NOT_RUNNING_HINT}</p>`, { actor, head }));
    const overview = await deps.alerts.overview();
    const body = incidentsBody(overview, Object.keys(deps.config.apps), deps.clock(), actor.csrf ?? '', c.req.query('done'));
    return c.html(layout('Incidents', body, { actor, head }));
  });

  pages.post('/incidents/test', async (c) => {
    const alerts = watcher();
    const body = await c.req.parseBody();
    const channel = typeof body.channel === 'string' && body.channel !== '' ? body.channel : undefined;
    if (channel !== undefined) {
      const known = (await alerts.overview()).channels.map((ch) => ch.name);
      if (!known.includes(channel)) throw unknownName('channel', channel, known);
    }
    const result = await alerts.test(c.get('actor').name, channel);
    return c.redirect(back(testOutcome(result)), 303);
  });

  pages.post('/incidents/mute', async (c) => {
    const alerts = watcher();
    const body = await c.req.parseBody();
    const target = typeof body.target === 'string' ? body.target : '';
    if (!(ALERT_RULES as readonly string[]).includes(target) && !Object.hasOwn(deps.config.apps, target))
      throw unknownName('rule or app', target, [...ALERT_RULES, ...Object.keys(deps.config.apps)]);
    const duration = parseMuteDuration(typeof body.duration === 'string' ? body.duration : '');
    if (!duration.ok) throw new ApiError(400, `${target} was not muted: ${duration.error}`, { hint: 'Go back and choose a duration.' });
    const request = muteRequestSchema.parse({ target, minutes: duration.minutes });
    await alerts.mute(c.get('actor').name, request.target, request.minutes);
    return c.redirect(back(`${target} muted for ${formatMinutes(request.minutes)}: its incidents are listed but not sent.`), 303);
  });

  pages.post('/incidents/unmute', async (c) => {
    const alerts = watcher();
    const body = await c.req.parseBody();
    const target = typeof body.target === 'string' ? body.target : '';
    const muted = (await alerts.overview()).mutes.map((m) => m.target);
    const known = [...new Set([...ALERT_RULES, ...Object.keys(deps.config.apps), ...muted])];
    if (!known.includes(target)) throw unknownName('rule or app', target, known);
    const removed = await alerts.unmute(c.get('actor').name, target);
    return c.redirect(back(removed ? `${target} unmuted: its alerts are sent again.` : `${target} was not muted.`), 303);
  });

  return pages;
}

/**
 * The navigation's count of open incidents (not muted), for a logged-in browser's pages:
 * the watcher's overview is in memory, so asking it per page costs nothing worth saving.
 * A watcher that fails to answer leaves the link plain; the page itself says more.
 */
export function navigationCounts(deps: AgentDeps): MiddlewareHandler<AgentEnv> {
  return async (c, next) => {
    const actor = c.get('actor');
    if (deps.alerts && actor?.via === 'session' && c.req.method === 'GET' && wantsHtml(c)) {
      const counts = await deps.alerts.overview().then(
        (overview) => incidentCounts(overview.incidents),
        () => undefined,
      );
      if (counts) c.set('actor', { ...actor, incidents: { open: counts.open, critical: counts.critical } });
    }
    await next();
  };
}

/**
 * The Incidents page's sections, from the watcher's overview (AlertsResponse): open
 * incidents with a mute form each, those resolved lately, the channels with a test form
 * each, the newest deliveries, the mutes with an unmute form each, and a form to mute
 * any rule or app. Every value goes through hono/html's escaping.
 */
import { html } from 'hono/html';
import { ALERT_RULES, type AlertsResponse, type ChannelStatus, type Delivery, type Incident, type Mute } from '../../src/api/alerts.js';
import { formatAgo, formatTime } from '../../src/core/format.js';
import { formatUntil, incidentSince, muteTargetOf, SEVERITY_WORDS, splitIncidents } from '../../src/core/incident-format.js';

/** The lengths a mute form offers (the CLI and the TUI take any, up to a week). */
export const MUTE_CHOICES = ['30m', '1h', '2h', '8h', '1d', '7d'] as const;

const severityClass = (incident: Incident) => (incident.severity === 'critical' ? 'bad' : 'warn');
const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;
const durationSelect = () =>
  html`<select name="duration">${MUTE_CHOICES.map((d) => html`<option${d === '2h' ? ' selected' : ''}>${d}</option>`)}</select>`;

function muteForm(csrf: string, target: string, label: string) {
  return html`<form method="post" action="/incidents/mute" class="inline">${csrfField(csrf)}\
<input type="hidden" name="target" value="${target}">${durationSelect()} <button>${label}</button></form>`;
}

function openTable(open: Incident[], now: Date, csrf: string) {
  if (open.length === 0) return html`<p class="ok">No open incidents.</p>`;
  return html`<div class="scroll"><table>
<tr><th>Severity</th><th>Rule</th><th>Subject</th><th>Title</th><th>Since</th><th>What to do</th><th>Mute</th></tr>
${open.map(
  (i) => html`<tr>
<td class="${severityClass(i)}">${SEVERITY_WORDS[i.severity]}</td><td>${i.rule}</td><td>${i.subject}</td>
<td class="${severityClass(i)}"><strong>${i.title}</strong></td><td>${incidentSince(i, now)}</td><td>${i.detail}</td>
<td>${i.muted ? html`<span class="muted">muted</span>` : muteForm(csrf, muteTargetOf(i), `Mute ${muteTargetOf(i)}`)}</td>
</tr>`,
)}
</table></div>`;
}

function resolvedTable(resolved: Incident[], now: Date) {
  if (resolved.length === 0) return html`<p class="muted">None resolved lately.</p>`;
  return html`<div class="scroll"><table>
<tr><th>Severity</th><th>Rule</th><th>Subject</th><th>Title</th><th>Opened</th><th>Resolved</th></tr>
${resolved.map(
  (i) => html`<tr><td>${SEVERITY_WORDS[i.severity]}</td><td>${i.rule}</td><td>${i.subject}</td><td>${i.title}</td>\
<td>${formatTime(i.openedAt)}</td><td class="ok">${incidentSince(i, now)}</td></tr>`,
)}
</table></div>`;
}

const nextTry = (ch: ChannelStatus) => (ch.nextAttemptAt ? html` <span class="muted">next try ${formatTime(ch.nextAttemptAt)}</span>` : '');

function channelsTable(channels: ChannelStatus[], now: Date, csrf: string) {
  if (channels.length === 0)
    return html`<p class="muted">No channels: add alerts.channels to hms.config.json \
(their secrets to alert_channels), then hms provision.</p>`;
  return html`<div class="scroll"><table>
<tr><th>Channel</th><th>Type</th><th>Target</th><th>Queued</th><th>Last delivery</th><th>Last error</th><th>Test</th></tr>
${channels.map(
  (ch) => html`<tr>
<td><strong>${ch.name}</strong></td><td>${ch.type}</td><td>${ch.target}</td>
<td class="${ch.queued > 0 ? 'warn' : ''}">${ch.queued}${nextTry(ch)}</td>
<td>${formatAgo(ch.lastDeliveredAt, now)}</td>
<td class="bad">${ch.lastError ? html`${formatTime(ch.lastError.at)}: ${ch.lastError.message}` : ''}</td>
<td><form method="post" action="/incidents/test" class="inline">${csrfField(csrf)}\
<input type="hidden" name="channel" value="${ch.name}"><button>Send a test</button></form></td>
</tr>`,
)}
</table></div>
<form method="post" action="/incidents/test">${csrfField(csrf)}<button>Send a test to every channel</button></form>`;
}

function deliveriesTable(deliveries: Delivery[]) {
  if (deliveries.length === 0) return html`<p class="muted">Nothing sent yet.</p>`;
  return html`<div class="scroll"><table>
<tr><th>Created</th><th>Channel</th><th>Event</th><th>Title</th><th>State</th><th>Attempts</th><th>Error</th></tr>
${deliveries.map(
  (d) => html`<tr><td>${formatTime(d.createdAt)}</td><td>${d.channel}</td><td>${d.event}</td><td>${d.title}</td>\
<td class="${d.state === 'sent' ? 'ok' : 'warn'}">${d.state}${d.sentAt ? ` ${formatTime(d.sentAt)}` : ''}</td><td>${d.attempts}</td>\
<td class="bad">${d.lastError ?? ''}</td></tr>`,
)}
</table></div>`;
}

function mutesSection(mutes: Mute[], targets: string[], now: Date, csrf: string) {
  const list =
    mutes.length === 0
      ? html`<p class="muted">Nothing muted.</p>`
      : html`<div class="scroll"><table>
<tr><th>Muted</th><th>Until</th><th>By</th><th></th></tr>
${mutes.map(
  (m) => html`<tr><td><strong>${m.target}</strong></td><td>${formatUntil(m.until, now)}</td><td>${m.by}</td>
<td><form method="post" action="/incidents/unmute" class="inline">${csrfField(csrf)}\
<input type="hidden" name="target" value="${m.target}"><button>Unmute ${m.target}</button></form></td></tr>`,
)}
</table></div>`;
  return html`${list}
<form method="post" action="/incidents/mute" class="fields">${csrfField(csrf)}
<label>Rule or app <select name="target">${targets.map((t) => html`<option>${t}</option>`)}</select></label>
<label>For ${durationSelect()}</label>
<button>Mute</button>
</form>
<p class="muted">A mute holds alerts back from the channels; incidents are still opened and listed here.</p>`;
}

/** The whole page's body; `apps`: the configured apps, offered with the rules in the mute form. */
export function incidentsBody(overview: AlertsResponse, apps: string[], now: Date, csrf: string, done?: string) {
  const { open, resolved } = splitIncidents(overview.incidents);
  return html`${done ? html`<p class="notice">${done}</p>` : ''}
${overview.enabled ? '' : html`<p class="error">The watcher is off in this agent's config (alerts.enabled): nothing new is opened.</p>`}
<p class="muted">${overview.server} · ${overview.checkedAt ? `checked ${formatAgo(overview.checkedAt, now)}` : 'not checked yet'}. \
This page refreshes every 30 seconds.</p>
<h2>Open (${open.length})</h2>
${openTable(open, now, csrf)}
<h2>Resolved lately</h2>
${resolvedTable(resolved, now)}
<h2>Channels</h2>
${channelsTable(overview.channels, now, csrf)}
<h2>Recent deliveries</h2>
${deliveriesTable(overview.deliveries)}
<h2>Mutes</h2>
${mutesSection(overview.mutes, [...ALERT_RULES, ...apps], now, csrf)}`;
}

/** The /agent page: the running release, the kept ones, the last self-update and the upload form. */
import { html, raw } from 'hono/html';
import { RELEASE_ID, type AgentReleases, type AgentUpdate } from '../../src/api/agent.js';
import type { Actor } from '../env.js';
import { ACTIVATION_STALE_MS } from '../services/agent/index.js';
import { AGENT_RESTART_SCRIPT, RESTART_REFRESH_SECONDS } from './agent-restart-script.js';
import { problemBox, type PageProblem } from './error-page.js';
import { formatAgo } from '../../src/core/format.js';
import { layout } from './layout.js';

export const activateHref = (id: string): string => `/agent/releases/${encodeURIComponent(id)}/activate`;

const TONE: Record<AgentUpdate['status'], 'ok' | 'warn' | 'bad'> = {
  activating: 'warn',
  active: 'ok',
  'rolled-back': 'bad',
  failed: 'bad',
};

/** An update still waiting for its outcome (an older one's activator is gone). */
export function inProgress(update: AgentUpdate | null, now: Date): boolean {
  return update?.status === 'activating' && now.getTime() - Date.parse(update.startedAt) < ACTIVATION_STALE_MS;
}

function running(info: AgentReleases, version: string) {
  const release = info.running ?? html`<span class="muted">not installed as a release (started from elsewhere)</span>`;
  const drift =
    info.current && info.running && info.current !== info.running
      ? html`<p class="warn" id="drift">current points at ${info.current}, but this agent still runs ${info.running}: \
it switches on its next restart.</p>`
      : '';
  return html`<p id="running">Running release <strong>${release}</strong>, version <strong>${version}</strong>. \
<code>current</code> points at <strong>${info.current ?? '–'}</strong>.</p>
${drift}`;
}

/** The outcome in a sentence, as `hms update-hosting-api` words it. */
function outcomeText(update: AgentUpdate): string {
  if (update.status === 'active') return `The agent now runs ${update.release} (was ${update.from ?? '–'}).`;
  if (update.status === 'rolled-back')
    return `${update.release} failed its health check and was rolled back to ${update.from ?? '–'}; the agent keeps answering.`;
  return `The update to ${update.release} failed; the detail below and \`journalctl -u hms-agent\` on the server say why.`;
}

function lastUpdate(update: AgentUpdate | null, now: Date) {
  if (!update) return html`<h2>Last update</h2><p class="muted" id="update">None yet.</p>`;
  const restarting = inProgress(update, now)
    ? html`<p class="warn" id="restarting">The agent is restarting into ${update.release}: \
this page refreshes itself every ${RESTART_REFRESH_SECONDS} s until the outcome is known. \
A gateway error meanwhile means the agent is not answering yet: reload.</p>`
    : update.status === 'activating'
      ? html`<p class="bad" id="stale">No outcome after ${ACTIVATION_STALE_MS / 60_000} minutes. \
Check <code>journalctl -u hms-agent</code> and <code>systemctl list-units 'hms-agent-activate-*'</code> on the server.</p>`
      : html`<p class="${TONE[update.status]}" id="outcome">${outcomeText(update)}</p>`;
  return html`<h2>Last update</h2>
<table id="update">
<tr><th>Status</th><td class="${TONE[update.status]}" id="update-status"><strong>${update.status}</strong></td></tr>
<tr><th>Release</th><td>${update.release}</td></tr>
<tr><th>From</th><td>${update.from ?? '–'}</td></tr>
<tr><th>Started</th><td>${update.startedAt} <span class="muted">(${formatAgo(update.startedAt, now)})</span></td></tr>
<tr><th>Ended</th><td>${update.endedAt ?? '–'}</td></tr>
</table>
${restarting}
${update.detail ? html`<pre id="update-detail">${update.detail}</pre>` : ''}`;
}

function releaseRow(release: AgentReleases['releases'][number], info: AgentReleases) {
  const marks = [release.id === info.current ? 'current' : '', release.id === info.running ? 'running' : ''].filter(Boolean).join(', ');
  const action =
    release.id === info.current
      ? html`<span class="muted">–</span>`
      : RELEASE_ID.test(release.id)
        ? html`<a href="${activateHref(release.id)}">Switch to this release</a>`
        : html`<span class="muted">not named like a release; cannot be switched to</span>`;
  return html`<tr data-release="${release.id}"><td><strong>${release.id}</strong></td><td>${release.installedAt}</td>\
<td class="ok">${marks}</td><td>${action}</td></tr>`;
}

function uploadForm(info: AgentReleases, version: string, csrf: string | undefined) {
  return html`<h2>Upload a new release</h2>
<form method="post" action="/agent/releases" enctype="multipart/form-data">
<input type="hidden" name="_csrf" value="${csrf ?? ''}">
<label>Bundle (<code>dist/hms-agent.mjs</code>, made by <code>npm run build</code>) \
<input type="file" name="bundle" accept=".mjs,.js,text/javascript" required></label>
<label>Version <input name="version" value="${version}" size="16" autocapitalize="off" spellcheck="false" required></label>
<p class="muted">A release uploaded here holds only the bundle: \
its remote-cli-tools (the troubleshooting scripts) are copied from the current release${info.current ? html` (${info.current})` : ''}, \
so the scripts keep working. To ship new scripts, run <code>hms update-hosting-api</code> from a laptop.</p>
<p><button name="then" value="switch">Upload and switch</button> <button name="then" value="stage">Upload only</button></p>
<p class="muted">Switching restarts the agent (the pages and the API pause for a few seconds); \
the new release must answer its health check, or the agent switches back on its own.</p>
</form>`;
}

export function agentPage(options: {
  info: AgentReleases;
  version: string;
  now: Date;
  actor: Actor;
  nonce: string | undefined;
  done?: string | undefined;
  problem?: PageProblem | undefined;
  /** What was typed in the upload form, kept when it is refused. */
  typedVersion?: string | undefined;
}) {
  const { info, now } = options;
  const restarting = inProgress(info.update, now);
  // The refresh is inside <noscript>: with JavaScript the script polls and tolerates the restart's gap.
  const refresh = html`<noscript><meta http-equiv="refresh" content="${RESTART_REFRESH_SECONDS}; url=/agent"></noscript>`;
  const head = html`${restarting ? refresh : ''}`;
  return layout(
    'Agent',
    html`${options.done ? html`<p class="notice" id="done">${options.done}</p>` : ''}
${options.problem ? problemBox(options.problem) : ''}
${running(info, options.version)}
${lastUpdate(info.update, now)}
<h2>Releases</h2>
<div class="scroll"><table id="releases">
<tr><th>Release</th><th>Installed</th><th></th><th>Action</th></tr>
${info.releases.map((release) => releaseRow(release, info))}
</table></div>
${uploadForm(info, options.typedVersion ?? options.version, options.actor.csrf)}
${restarting ? html`<script nonce="${options.nonce ?? ''}">${raw(AGENT_RESTART_SCRIPT)}</script>` : ''}`,
    { actor: options.actor, head },
  );
}

/** The confirmation before switching to a kept release. */
export function switchConfirmPage(options: { release: string; info: AgentReleases; actor: Actor }) {
  const { release, info } = options;
  return layout(
    `Switch the agent to ${release}?`,
    html`<form method="post" action="${activateHref(release)}">
<input type="hidden" name="_csrf" value="${options.actor.csrf ?? ''}">
<p>The agent now runs <strong>${info.running ?? '–'}</strong>. \
Switching points <code>current</code> at <strong>${release}</strong> and restarts the agent: \
the pages and the API pause for a few seconds.</p>
<p>If ${release} does not answer its health check, the agent switches back to ${info.current ?? 'the current release'} on its own.</p>
<button>Switch to ${release}</button> <a href="/agent">Cancel</a>
</form>`,
    { actor: options.actor },
  );
}

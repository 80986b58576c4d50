/**
 * The /deploys pages: every app's current release and lock, and one app's page with
 * its lock (lock form or unlock button), the deploy form and the releases table.
 * The forms are their own confirmation: each says what happens when it is sent.
 */
import { html } from 'hono/html';
import type { DeployLock, ReleaseSummary } from '../../src/api/deploys.js';
import type { AgentApp } from '../config.js';
import type { Actor, AgentDeps } from '../env.js';
import { allowed } from '../errors.js';
import { appLayout, listReleases, lockStatus } from '../services/deploys/index.js';
import { formatAgo, formatTime } from '../../src/core/format.js';
import { deploysHref, healthCell, lockText, shortSha } from './deploys-format.js';
import { problemBox, type PageProblem } from './error-page.js';
import { layout } from './layout.js';

/** What the pages show of one app. */
export interface AppDeploys {
  name: string;
  app: AgentApp;
  /** Newest first. */
  releases: ReleaseSummary[];
  lock: DeployLock | null;
}

export async function loadAppDeploys(deps: AgentDeps, name: string): Promise<AppDeploys> {
  const app = allowed('app', name, deps.config.apps);
  const [releases, status] = await Promise.all([listReleases(appLayout(app)), lockStatus({ deps, name })]);
  return { name, app, releases, lock: status.lock };
}

/** What the user typed, shown back when the page comes again with a problem. */
export interface DeployForms {
  ref?: string;
  reason?: string;
  lockReason?: string;
}

/** Results of a redirect after POST, by key: the page never shows text taken from the URL. */
const NOTICES: Record<string, (app: string) => string> = {
  locked: (app) => `${app} is locked: no deploy or rollback starts until it is unlocked.`,
  unlocked: (app) => `${app} is unlocked: deploys can start again.`,
};

export function noticeFor(key: string | undefined, app: string): string | undefined {
  return key !== undefined && Object.hasOwn(NOTICES, key) ? NOTICES[key]!(app) : undefined;
}

export function deploysOverview(options: { apps: AppDeploys[]; actor: Actor; now: Date }) {
  const row = ({ name, releases, lock }: AppDeploys) => {
    const current = releases.find((r) => r.current);
    const newest = releases[0];
    return html`<tr>
<td><a href="${deploysHref(name)}"><strong>${name}</strong></a></td>
<td>${current ? current.id : html`<span class="muted">none</span>`}</td>
<td><code>${shortSha(current?.sha ?? null)}</code></td>
<td>${current ? html`${formatTime(current.at)} <span class="muted">${formatAgo(current.at, options.now)}</span>` : '–'}</td>
<td>${current?.by ?? '–'}</td>
<td>${newest ? html`${newest.id}${newest.current ? '' : html` <span class="warn">(not current)</span>`}` : '–'}</td>
${newest ? healthCell(newest) : html`<td>–</td>`}
<td class="${lock ? (lock.stale ? 'bad' : 'warn') : 'muted'}">${lock ? lockText(lock) : 'not locked'}</td>
</tr>`;
  };
  return layout(
    'Deploys',
    html`<p class="muted">Each app's live release and deploy lock. Open an app to deploy it, roll it back or lock it.</p>
<div class="scroll"><table>
<tr><th>App</th><th>Current release</th><th>SHA</th><th>Deployed</th><th>By</th><th>Newest release</th><th>Its health</th><th>Lock</th></tr>
${options.apps.map(row)}
</table></div>`,
    { actor: options.actor },
  );
}

function lockSection(view: AppDeploys, csrf: string, forms: DeployForms) {
  const href = deploysHref(view.name);
  const { lock } = view;
  if (!lock) {
    return html`<form method="post" action="${href}/lock" class="fields" id="lock-form">
<input type="hidden" name="_csrf" value="${csrf}">
<p class="muted">Not locked. Locking stops every deploy and rollback of ${view.name} \
until someone unlocks it (say, during work on the database).</p>
<label>Why <input name="reason" value="${forms.lockReason ?? ''}" required maxlength="300" size="40" \
placeholder="database maintenance"></label>
<button>Lock ${view.name}</button>
</form>`;
  }
  const running = lock.kind !== 'manual' && !lock.stale;
  return html`<p class="${lock.stale ? 'bad' : 'warn'}" id="lock-status">${view.name} is ${lockText(lock)}</p>
${
  running
    ? html`<p class="muted">Its lock goes when the ${lock.kind} ends; reload this page to see how it ended.</p>`
    : html`<form method="post" action="${href}/unlock" id="unlock-form">
<input type="hidden" name="_csrf" value="${csrf}">
<p><button>Unlock ${view.name}</button> \
<span class="muted">Removes the lock ${lock.by} took: deploys and rollbacks can start again.</span></p>
</form>`
}`;
}

function deployForm(view: AppDeploys, csrf: string, forms: DeployForms) {
  if (!view.app.repo) {
    return html`<p class="muted">${view.name} has no git repository configured on the server: \
add "repo" (and "branch") to apps.${view.name} in the agent's config to deploy it from here.</p>`;
  }
  const branch = view.app.branch ?? 'main';
  return html`<form method="post" action="${deploysHref(view.name)}" class="fields" id="deploy-form">
<input type="hidden" name="_csrf" value="${csrf}">
<label>Branch, tag or commit \
<input name="ref" value="${forms.ref ?? branch}" required maxlength="200" size="24" autocapitalize="off" spellcheck="false"></label>
<label>Why (optional) <input name="reason" value="${forms.reason ?? ''}" maxlength="300" size="40"></label>
<button>Deploy ${view.name} now</button>
</form>
<p class="muted">Deploys on the server now: \
fetch the ref, bundle, precompile assets, migrate the database (never destructive), switch, phased restart, health check; \
rolled back by itself when the new release is not healthy. \
Each step shows on the next page as it runs; leaving that page before the switch stops the deploy.</p>
${view.lock ? html`<p class="warn">${view.name} is locked: a deploy is refused until it is unlocked.</p>` : ''}`;
}

function releaseRow(name: string, release: ReleaseSummary) {
  const action =
    !release.current && release.status === 'ok'
      ? html`<a href="${deploysHref(name)}/rollback?release=${release.id}">Roll back to this</a>`
      : '';
  return html`<tr${release.current ? html` class="current"` : ''} id="release-${release.id}">
<td>${release.current ? html`<strong>→ ${release.id}</strong> <span class="ok">current</span>` : release.id}</td>
<td><code>${shortSha(release.sha)}</code></td>
<td>${release.ref ?? '–'}</td>
<td>${formatTime(release.at)}</td>
<td>${release.by ?? '–'}</td>
${healthCell(release)}
<td>${release.migrations}</td>
<td>${action}</td>
</tr>`;
}

function releasesTable(view: AppDeploys) {
  if (view.releases.length === 0) return html`<p class="muted">No releases yet: the first deploy makes one.</p>`;
  return html`<div class="scroll"><table id="releases">
<tr><th>Release</th><th>SHA</th><th>Ref</th><th>Deployed</th><th>By</th><th>Health</th><th>Migrations</th><th></th></tr>
${view.releases.map((release) => releaseRow(view.name, release))}
</table></div>
<p class="muted">A rollback switches back to an earlier release and restarts; the database is not rolled back
(<code>hms rollback --restore-database</code> does that).</p>`;
}

export function appDeploysPage(options: {
  view: AppDeploys;
  actor: Actor;
  notice?: string | undefined;
  problem?: PageProblem | undefined;
  forms?: DeployForms;
}) {
  const { view, actor } = options;
  const csrf = actor.csrf ?? '';
  const forms = options.forms ?? {};
  return layout(
    `Deploys · ${view.name}`,
    html`${options.notice ? html`<p class="notice">${options.notice}</p>` : ''}
${options.problem ? problemBox(options.problem) : ''}
<h2>Lock</h2>
${lockSection(view, csrf, forms)}
<h2>Deploy</h2>
${deployForm(view, csrf, forms)}
<h2>Releases</h2>
${releasesTable(view)}
<p><a href="/deploys">All apps</a> · <a href="/logs?source=${encodeURIComponent(`${view.name}:production`)}">${view.name}'s log</a></p>`,
    { actor },
  );
}

/**
 * The /backups pages: every app's backups at a glance, and one app's page with its
 * snapshots (newest first), "Back up now", "Run restore drill", a link to restore
 * each snapshot, and the outcome of what was just done. The words are the CLI's and
 * the TUI's (src/core/backup-render.ts).
 */
import { html } from 'hono/html';
import type { AppBackupStatus, BackupSnapshot } from '../../src/api/backups.js';
import { backupCell, drillLine, drillMark, rowsLine, rowsTotal } from '../../src/core/backup-render.js';
import { backupState } from '../../src/core/backup-status.js';
import { formatAgo, formatTime } from '../../src/core/format.js';
import type { Actor, AgentDeps } from '../env.js';
import { allowed, ApiError } from '../errors.js';
import { listBackups, readStatusFile } from '../services/backups/index.js';
import { problemBox, problemOf, type PageProblem } from './error-page.js';
import { bytes } from './format.js';
import { layout } from './layout.js';

export const backupsHref = (app: string): string => `/backups/${encodeURIComponent(app)}`;

export type BackupStatus = Pick<AppBackupStatus, 'state' | 'last' | 'failure' | 'drill'>;

/** What the app's backups and drills recorded, and the state it makes; undefined when nothing was recorded yet. */
export async function backupStatusOf(deps: AgentDeps, app: string): Promise<BackupStatus | undefined> {
  const file = await readStatusFile(deps, app);
  if (!file.last && !file.failure && !file.drill) return undefined;
  return { ...file, state: backupState(file, deps.config.backups.schedule, deps.clock()) };
}

/** The one cell of the dashboard and the overview: "3h4m ago, drill ✓", red when overdue or failed. */
export function backupStatusCell(app: string, status: BackupStatus | undefined, now: Date) {
  if (!status) return html`<td class="muted"><a href="${backupsHref(app)}">none recorded</a></td>`;
  const { text, tone } = backupCell(status, now);
  return html`<td class="${tone}"><a href="${backupsHref(app)}">${text}</a></td>`;
}

/** What one app's page shows. */
export interface AppBackups {
  name: string;
  /** Newest first. */
  snapshots: BackupSnapshot[];
  status?: BackupStatus | undefined;
  /** restic could not list them (the repository is missing, or locked). */
  listProblem?: PageProblem | undefined;
}

export async function loadAppBackups(deps: AgentDeps, name: string): Promise<AppBackups> {
  allowed('app', name, deps.config.apps);
  const status = await backupStatusOf(deps, name);
  try {
    const { snapshots } = await listBackups({ deps, app: name });
    return { name, snapshots: [...snapshots].reverse(), status };
  } catch (error) {
    // The page still offers "Back up now"; what went wrong is shown above the table (and logged when it is ours).
    if (!(error instanceof ApiError)) console.error(`[hms-agent] listing the backups of ${name}:`, error);
    return { name, snapshots: [], status, listProblem: problemOf(error) };
  }
}

export function backupsOverview(options: { apps: Array<{ name: string; status?: BackupStatus | undefined }>; actor: Actor; now: Date }) {
  const row = ({ name, status }: { name: string; status?: BackupStatus | undefined }) => html`<tr>
<td><a href="${backupsHref(name)}"><strong>${name}</strong></a></td>
${backupStatusCell(name, status, options.now)}
<td>${status?.last ? html`${formatTime(status.last.time)} <span class="muted">${status.last.kind}</span>` : '–'}</td>
<td>${status?.failure ? html`<span class="bad">${formatAgo(status.failure.at, options.now)}: ${status.failure.error}</span>` : '–'}</td>
</tr>`;
  return layout(
    'Backups',
    html`<p class="muted">Each app's database backups: the last good one and its restore drill. \
Open an app to back it up now, run a restore drill or restore a snapshot.</p>
<div class="scroll"><table id="backups">
<tr><th>App</th><th>Backups</th><th>Last good backup</th><th>Last failure</th></tr>
${options.apps.map(row)}
</table></div>`,
    { actor: options.actor },
  );
}

/** How what was just done ended: `ok` a green notice, else a red box; one line each. */
export interface BackupOutcome {
  ok: boolean;
  lines: string[];
}

function outcomeBox(outcome: BackupOutcome) {
  const lines = outcome.lines.map((line) => html`<p>${line}</p>`);
  return outcome.ok
    ? html`<div class="notice" id="outcome">${lines}</div>`
    : html`<div class="error" id="outcome" role="alert">${lines}</div>`;
}

function snapshotRow(name: string, snapshot: BackupSnapshot, now: Date) {
  const drill = snapshot.drill;
  return html`<tr id="snapshot-${snapshot.shortId}">
<td><code>${snapshot.shortId}</code></td>
<td>${formatTime(snapshot.time)} <span class="muted">${formatAgo(snapshot.time, now)}</span></td>
<td>${snapshot.kind}</td>
<td>${bytes(snapshot.sizeBytes)}</td>
<td>${bytes(snapshot.addedBytes)}</td>
<td title="${rowsLine(snapshot.rows)}">${rowsTotal(snapshot.rows)}</td>
<td class="${drill ? (drill.ok ? 'ok' : 'bad') : 'muted'}" title="${drillLine(drill)}">${drillMark(drill)}</td>
<td><a href="${backupsHref(name)}/restore?snapshot=${snapshot.id}">Restore…</a></td>
</tr>`;
}

function actions(name: string, csrf: string) {
  const href = backupsHref(name);
  return html`<form method="post" action="${href}" class="inline" id="backup-form">
<input type="hidden" name="_csrf" value="${csrf}"><button>Back up now</button></form>
<form method="post" action="${href}/drill" class="inline" id="drill-form">
<input type="hidden" name="_csrf" value="${csrf}"><button>Run restore drill</button></form>
<p class="muted">A backup dumps ${name}'s database into the server's restic repository with each table's rows counted; \
a restore drill restores the newest snapshot into a scratch database, compares the counts and drops it. \
Both are in the audit log; each takes a while on a large database.</p>`;
}

export function appBackupsPage(options: {
  view: AppBackups;
  actor: Actor;
  now: Date;
  outcome?: BackupOutcome | undefined;
  problem?: PageProblem | undefined;
}) {
  const { view, now, outcome } = options;
  const status = view.status ? backupCell(view.status, now) : undefined;
  return layout(
    `Backups · ${view.name}`,
    html`${outcome ? outcomeBox(outcome) : ''}
${options.problem ? problemBox(options.problem) : ''}
<p id="backup-status">Last good backup: \
${status ? html`<span class="${status.tone}">${status.text}</span>` : html`<span class="muted">none recorded</span>`}</p>
${actions(view.name, options.actor.csrf ?? '')}
<h2>Snapshots</h2>
${view.listProblem ? problemBox(view.listProblem) : ''}
${
  view.snapshots.length === 0
    ? html`<p class="muted">No backups of ${view.name} yet: "Back up now" takes one.</p>`
    : html`<div class="scroll"><table id="snapshots">
<tr><th>ID</th><th>Taken</th><th>Kind</th><th>Size</th><th>Added</th><th>Rows</th><th>Drill</th><th></th></tr>
${view.snapshots.map((snapshot) => snapshotRow(view.name, snapshot, now))}
</table></div>`
}
<p><a href="/backups">All apps</a> · <a href="/audit">Audit</a></p>`,
    { actor: options.actor },
  );
}

/**
 * The overview's rows: every server's apps (with nginx and the agent) as the
 * table shows them, from the latest snapshot of each server.
 */
import type { AppKind, AppsResponse, AppStatus } from '../../src/api/apps.js';
import type { BackupOverview } from '../../src/api/backups.js';
import { backupCell } from '../../src/core/backup-render.js';
import { formatBytes, formatSince } from '../../src/core/format.js';
import { passes, type TextFilter } from './log-filter.js';

export interface OverviewRow {
  server: string;
  app: string;
  kind: AppKind;
  state: string;
  /** active, failed, inactive, unknown ...: colours the state. */
  activeState: string;
  since: string;
  pid: string;
  memory: string;
  restarts: string;
  health: string;
  healthy: boolean | undefined;
  release: string;
  /** The app's backups ("ok 3h4m ago, drill ✓", "✗ overdue: 2d ago"); undefined when the server's agent does not report them. */
  backup?: string | undefined;
  /** The snapshot is older than the last failed poll. */
  stale: boolean;
  /** nginx answers 503 for the app (maintenance, or a restore's swap). */
  maintenance?: boolean | undefined;
}

export interface ServerSnapshot {
  server: string;
  snapshot?: AppsResponse | undefined;
  stale: boolean;
  /** The server's backups at a glance, once its agent answered GET /api/backups. */
  backups?: BackupOverview | undefined;
}

export function overviewRows(servers: ServerSnapshot[], now: Date): OverviewRow[] {
  return servers.flatMap(({ server, snapshot, stale, backups }) =>
    snapshot ? snapshot.apps.map((app) => ({ ...row(server, app, now, stale), ...backupOf(app.name, backups, now) })) : [],
  );
}

const TONE_MARK = { ok: 'ok', warn: '◌', bad: '✗' } as const;

/** The BACKUP cell, marked so the table colours it: ok green, ◌ yellow, ✗ red; – for apps without backups. */
function backupOf(app: string, backups: BackupOverview | undefined, now: Date): Pick<OverviewRow, 'backup'> {
  if (!backups) return {};
  const status = backups.apps.find((entry) => entry.app === app);
  if (!status) return { backup: '–' };
  const { text, tone } = backupCell(status, now);
  return { backup: `${TONE_MARK[tone]} ${text}` };
}

function row(server: string, app: AppStatus, now: Date, stale: boolean): OverviewRow {
  const s = app.state;
  const mark = s.activeState === 'active' ? '●' : s.activeState === 'unknown' ? '?' : s.activeState.endsWith('ing') ? '◌' : '✗';
  const health = app.health
    ? app.health.ok
      ? `ok ${Math.round(app.health.ms)}ms`
      : `✗ ${app.health.error ?? app.health.status ?? 'failed'}`
    : '–';
  return {
    server,
    app: app.name,
    kind: app.kind,
    state: `${mark} ${s.activeState}/${s.subState}${app.maintenance ? ' · maintenance' : ''}`,
    activeState: s.activeState,
    since: formatSince(s.since, now),
    pid: s.mainPid ? String(s.mainPid) : '–',
    memory: formatBytes(s.memoryBytes),
    restarts: String(s.restarts ?? '–'),
    health,
    healthy: app.health ? app.health.ok : undefined,
    release: app.currentRelease ?? '–',
    stale,
    maintenance: app.maintenance,
  };
}

/** The rows a `/` filter keeps, matched against the whole row as it reads. */
export function filterRows(rows: OverviewRow[], filter: TextFilter): OverviewRow[] {
  return rows.filter((r) => passes(filter, [r.server, r.app, r.kind, r.state, r.health, r.release].join(' ')));
}

/** Problems the agents reported (no systemd here ...), once each. */
export function overviewProblems(servers: ServerSnapshot[]): string[] {
  return [
    ...new Set(
      servers.flatMap(({ server, snapshot }) =>
        (snapshot?.apps ?? []).flatMap((app) => (app.problem ? [`${server}: ${app.problem}`] : [])),
      ),
    ),
  ];
}

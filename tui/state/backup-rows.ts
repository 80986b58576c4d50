/**
 * What the backups screen shows: the apps of a server with a database, an app's
 * snapshots as table rows (newest first), and how a backup, a drill or a restore
 * ended, in lines (the CLI's words from src/core/backup-render.ts where it has them).
 */
import type { AppsResponse } from '../../src/api/apps.js';
import type { BackupResult, BackupSnapshot, DrillResponse, RestoreResult } from '../../src/api/backups.js';
import { backupSummary, drillLine, drillMark, rowsTotal } from '../../src/core/backup-render.js';
import { formatAgo, formatBytes } from '../../src/core/format.js';
import type { Config } from '../../src/config/schema.js';
import type { BackupAction } from './guard.js';

/**
 * The apps of `server` with a PostgreSQL database, as hms.config.json declares them;
 * without a config (local mode), every app the agent reports, which answers for itself.
 */
export function databaseApps(apps: Config['apps'] | undefined, server: string, snapshot: AppsResponse | undefined): string[] {
  if (apps) return Object.keys(apps).filter((name) => apps[name]!.server === server && apps[name]!.database.adapter === 'postgresql');
  return (snapshot?.apps ?? []).filter((app) => app.kind === 'app').map((app) => app.name);
}

/** Newest first: the snapshot people look for is the last one. */
export const newestFirst = (snapshots: readonly BackupSnapshot[]): BackupSnapshot[] => [...snapshots].reverse();

export const SNAPSHOT_COLUMNS = ['ID', 'TAKEN', 'KIND', 'SIZE', 'ADDED', 'ROWS', 'DRILL'] as const;

export interface SnapshotRow {
  cells: string[];
  /** The drill: true passed, false failed, undefined never drilled (colours its cell). */
  drill: boolean | undefined;
}

export function snapshotRows(snapshots: readonly BackupSnapshot[], now: Date): SnapshotRow[] {
  return snapshots.map((s) => ({
    cells: [
      s.shortId,
      formatAgo(s.time, now),
      s.kind,
      formatBytes(s.sizeBytes),
      formatBytes(s.addedBytes),
      rowsTotal(s.rows),
      drillMark(s.drill),
    ],
    drill: s.drill?.ok,
  }));
}

/** Each column as wide as its widest cell. */
export function columnWidths(rows: readonly SnapshotRow[]): number[] {
  return SNAPSHOT_COLUMNS.map((name, i) => Math.max(name.length, ...rows.map((row) => (row.cells[i] ?? '').length)));
}

/** A task on its way, for the progress line. */
export interface BackupTask {
  action: BackupAction;
  startedAt: number;
  /** What a restore is doing now, as the agent streams it. */
  step?: string;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const DOING: Record<BackupAction['kind'], string> = { backup: 'backing up', drill: 'running a restore drill of', restore: 'restoring' };

/** `⠙ backing up cigar on test… 12 s` */
export function progressLine(task: BackupTask, now: number): string {
  const elapsed = Math.max(0, Math.floor((now - task.startedAt) / 1000));
  const { action } = task;
  const from = action.kind === 'restore' ? ` from ${action.snapshot.slice(0, 8)}` : '';
  const step = task.step ? ` · ${task.step}` : '';
  return `${SPINNER[elapsed % SPINNER.length]} ${DOING[action.kind]} ${action.app} on ${action.server}${from}… ${elapsed} s${step}`;
}

export interface BackupOutcome {
  server: string;
  app: string;
  ok: boolean;
  lines: string[];
}

export function backupOutcome(server: string, result: BackupResult): BackupOutcome {
  const lines = backupSummary(result).split('\n');
  return { server, app: result.app, ok: result.ok, lines: [`${result.ok ? '✓' : '✗'} ${lines[0]}`, ...lines.slice(1)] };
}

export function drillOutcome(server: string, response: DrillResponse): BackupOutcome {
  const { drill } = response;
  const what = `Restore drill of ${response.app}, snapshot ${response.snapshot.slice(0, 8)}`;
  const line = drill.ok
    ? `✓ ${what}: restored into a scratch database, row counts equal, in ${drill.seconds} s`
    : `✗ ${what}: ${drillLine(drill)}`;
  return { server, app: response.app, ok: drill.ok, lines: [line] };
}

/** What a restore did step by step, and where what it replaced is kept (also when it failed). */
export function restoreOutcome(server: string, result: RestoreResult): BackupOutcome {
  const snapshot = result.snapshot.slice(0, 8);
  const head = result.ok
    ? `✓ ${result.app} restored from snapshot ${snapshot} in ${result.seconds} s` +
      (result.maintenanceSeconds === undefined ? '' : ` (503 for ${result.maintenanceSeconds} s)`)
    : `✗ Restore of ${result.app} from snapshot ${snapshot} failed: ${result.error ?? 'no reason given'}`;
  const kept = [
    ...(result.safety ? [`  safety backup of what was live: snapshot ${result.safety.shortId}`] : []),
    ...(result.keptDatabase ? [`  the replaced database is kept as ${result.keptDatabase} (dropped only by hand)`] : []),
    ...(result.keptFiles ? [`  the replaced files are kept in ${result.keptFiles}`] : []),
  ];
  return { server, app: result.app, ok: result.ok, lines: [head, ...result.steps.map((step) => `  · ${step}`), ...kept] };
}

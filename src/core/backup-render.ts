/** How backups read for people, the same in every view. */
import type {
  AppBackupStatus,
  BackupList,
  BackupResult,
  BackupState,
  DrillResult,
  FilesSnapshot,
  OffsiteCopy,
  RowCounts,
} from '../api/backups.js';
import { formatAgo, formatBytes, formatTime } from './format.js';
import { table } from './table.js';

/** "items 3, orders 12" (tables by name); "-" when nothing was counted. */
export function rowsLine(rows: RowCounts | undefined): string {
  const entries = Object.entries(rows ?? {});
  return entries.length === 0 ? '-' : entries.map(([name, count]) => `${name} ${count}`).join(', ');
}

export function backupSummary(result: BackupResult): string {
  if (!result.ok || !result.snapshot)
    return `Backup of ${result.app} failed after ${result.seconds} s: ${result.error ?? 'no reason given'}`;
  const { shortId, sizeBytes, addedBytes, rows } = result.snapshot;
  return [
    `Backup of ${result.app}: snapshot ${shortId} in ${result.seconds} s`,
    `  dump ${formatBytes(sizeBytes)}, added to the repository ${formatBytes(addedBytes)}`,
    `  rows: ${rowsLine(rows)}`,
    ...(result.snapshot.files ? [`  ${filesLine(result.snapshot.files)}`] : []),
    ...(result.offsite ? [`  offsite copy to ${result.offsite.server}: ${offsiteLine(result.offsite)}`] : []),
  ].join('\n');
}

/** "passed in 1.2 s", or what differed or failed. */
export function drillLine(drill: DrillResult | undefined): string {
  if (!drill) return '-';
  if (drill.ok) return `passed (${drill.seconds} s)`;
  return `FAILED: ${drill.error ?? drill.mismatches.join(', ')}`;
}

/** The snapshots as a table; a HOST column when they come from more than one server (an offsite repository taken over). */
export function backupsTable(list: BackupList): string {
  if (list.snapshots.length === 0) return `No backups of ${list.app} yet. Take one with \`hms backup ${list.app}\`.`;
  const hosts = new Set(list.snapshots.map((s) => s.host));
  const withHost = hosts.size > 1;
  const rows = list.snapshots.map((s) => [
    s.shortId,
    formatTime(s.time),
    ...(withHost ? [s.host ?? '-'] : []),
    s.kind,
    formatBytes(s.sizeBytes),
    formatBytes(s.addedBytes),
    drillLine(s.drill),
    rowsLine(s.rows),
  ]);
  return table(['ID', 'WHEN', ...(withHost ? ['HOST'] : []), 'KIND', 'SIZE', 'ADDED', 'DRILL', 'ROWS'], rows);
}

/** "done (2.1 s)", or why the copy failed (the local backup is kept either way). */
export const offsiteLine = (copy: OffsiteCopy): string =>
  copy.ok ? `done (${copy.seconds} s)` : `FAILED, the local backup is kept and the next backup copies it: ${copy.error}`;

/** "files: shared/storage, shared/public/uploads (12.0 MB, added 1.0 MB; snapshot 1a2b3c4d)" */
export const filesLine = (files: FilesSnapshot): string =>
  `files: ${files.folders.join(', ')} ` +
  `(${formatBytes(files.sizeBytes)}, added ${formatBytes(files.addedBytes)}; snapshot ${files.id.slice(0, 8)})`;

/** All the rows of a dump, counted when it was taken: "1,204"; "–" when nothing was counted. */
export function rowsTotal(rows: RowCounts | undefined): string {
  const counts = Object.values(rows ?? {});
  return counts.length === 0 ? '–' : counts.reduce((sum, n) => sum + n, 0).toLocaleString('en-US');
}

/** ✓ passed, ✗ failed, – never drilled: the drill column of the TUI and the pages. */
export function drillMark(drill: DrillResult | undefined): string {
  return drill ? (drill.ok ? '✓' : '✗') : '–';
}

type StatusFields = Pick<AppBackupStatus, 'last' | 'failure' | 'drill'>;

export type BackupTone = 'ok' | 'warn' | 'bad';

/**
 * One short cell for an app's backups, the same in the TUI's overview and on the
 * dashboard: "3h4m ago, drill ✓"; "overdue: 2d ago, drill ✓"; "failed 1h2m ago";
 * "none yet". `tone` colours it (bad: red).
 */
export function backupCell(status: StatusFields & { state: BackupState }, now: Date): { text: string; tone: BackupTone } {
  const drill = status.drill ? `drill ${drillMark(status.drill)}` : 'no drill';
  const last = status.last ? formatAgo(status.last.time, now) : undefined;
  switch (status.state) {
    case 'ok':
      return { text: `${last}, ${drill}`, tone: status.drill ? 'ok' : 'warn' };
    case 'overdue':
      return { text: `overdue: ${last ?? 'never'}, ${drill}`, tone: 'bad' };
    case 'failed':
      return { text: status.failure ? `failed ${formatAgo(status.failure.at, now)}` : `${last ?? 'none'}, ${drill}`, tone: 'bad' };
    case 'none':
      return { text: 'none yet', tone: 'warn' };
  }
}

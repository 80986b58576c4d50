/** How a restore reads for people: what it will replace (asked first), what it did, what it kept. */
import type { KeptDatabase, RestoreResult, RowCounts } from '../api/backups.js';
import { formatBytes } from './format.js';
import { table } from './table.js';

/** Each table's rows now and in the snapshot, side by side; tables only one side has show "-". */
export function replacementTable(live: RowCounts | undefined, snapshot: RowCounts | undefined): string {
  const tables = [...new Set([...Object.keys(live ?? {}), ...Object.keys(snapshot ?? {})])].sort();
  if (tables.length === 0) return '  (no tables on either side)';
  const cell = (rows: RowCounts | undefined, name: string) => (rows && name in rows ? String(rows[name]) : '-');
  return table(
    ['TABLE', 'LIVE ROWS (replaced)', 'SNAPSHOT ROWS'],
    tables.map((name) => [name, cell(live, name), cell(snapshot, name)]),
  );
}

/** The question before a restore: the dry run's answer, worded. */
export function restoreQuestion(plan: RestoreResult, server: string, shortId: string): string {
  return [
    `Restore backup ${shortId} of ${plan.app} on ${server}. The live database is replaced (and kept, not dropped):`,
    replacementTable(plan.liveRows, plan.snapshotRows),
    `${plan.app} answers 503 (maintenance) while the databases are swapped. Go on?`,
  ].join('\n');
}

export function restoreSummary(result: RestoreResult): string {
  const head = result.ok
    ? `${result.app}: backup ${result.snapshot.slice(0, 8)} is live (${result.seconds} s; 503 for ${result.maintenanceSeconds ?? 0} s).`
    : `${result.app}: the restore of ${result.snapshot.slice(0, 8)} failed after ${result.seconds} s: ${result.error ?? 'no reason given'}`;
  const lines = [head, ...result.steps.map((step) => `  - ${step}`)];
  if (result.safety) lines.push(`  safety backup of what was live: ${result.safety.shortId}`);
  if (result.keptDatabase)
    lines.push(`  the replaced database is kept as ${result.keptDatabase} (drop it: hms backups drop ${result.app} <name>)`);
  if (result.keptFiles) lines.push(`  the replaced uploaded files are kept as ${result.keptFiles}`);
  if (!result.ok) lines.push(result.unchanged === false ? '  the restored database stays live' : '  the live database is unchanged');
  return lines.join('\n');
}

export function keptTable(app: string, kept: readonly KeptDatabase[]): string {
  if (kept.length === 0) return `Nothing kept by restores of ${app}.`;
  return `Kept by restores (remove one: hms backups drop ${app} <name>):\n${table(
    ['NAME', 'WHAT', 'SIZE'],
    kept.map((db) => [
      db.name,
      db.kind === 'files' ? 'uploaded files' : 'database',
      db.sizeBytes === undefined ? '-' : formatBytes(db.sizeBytes),
    ]),
  )}`;
}

/**
 * What the backups screen reads: the apps with a database, snapshot rows, the
 * progress line, and how a backup, a drill and a restore ended, from the contract's
 * own shapes (the restore's answer parsed by restoreResultSchema, as the client does).
 */
import { describe, expect, it } from 'vitest';
import { restoreResultSchema } from '../../../src/api/backups.js';
import {
  backupOutcome,
  databaseApps,
  drillOutcome,
  newestFirst,
  progressLine,
  restoreOutcome,
  snapshotRows,
} from '../../../tui/state/backup-rows.js';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const ID = 'a1b2c3d4'.padEnd(64, 'e');
const snapshot = (time: string, extra = {}) => ({ id: ID, shortId: 'a1b2c3d4', time, kind: 'scheduled' as const, ...extra });

describe('the backups screen rows', () => {
  it('Given a config with cigar on PostgreSQL, When the apps with a database are asked for, Then only cigar on its server', () => {
    const apps = {
      cigar: { server: 'prod', database: { adapter: 'postgresql' } },
      tobacco: { server: 'prod', database: { adapter: 'sqlite3' } },
      other: { server: 'staging', database: { adapter: 'postgresql' } },
    } as unknown as Parameters<typeof databaseApps>[0];
    expect(databaseApps(apps, 'prod', undefined)).toEqual(['cigar']);
    const snapshotOfAgent = { hostname: 'h', version: '1', at: NOW.toISOString(), apps: [] };
    expect(databaseApps(undefined, 'local', snapshotOfAgent)).toEqual([]);
  });

  it('Given snapshots with and without counts and drills, When made rows, Then newest first, "ago", sizes, rows total, ✓ ✗ –', () => {
    const list = [
      snapshot('2026-12-07T09:00:00.000Z', {
        sizeBytes: 3174,
        addedBytes: 2048,
        rows: { items: 1200, orders: 4 },
        drill: { ok: true, at: '', seconds: 1, mismatches: [] },
      }),
      snapshot('2026-12-07T11:30:00.000Z', { kind: 'pre-migration', drill: { ok: false, at: '', seconds: 1, mismatches: ['x'] } }),
      snapshot('2026-12-05T12:00:00.000Z', { kind: 'manual' }),
    ];
    const rows = snapshotRows(newestFirst(list), NOW);
    expect(rows.map((r) => r.cells)).toEqual([
      ['a1b2c3d4', '2d ago', 'manual', '–', '–', '–', '–'],
      ['a1b2c3d4', '30m ago', 'pre-migration', '–', '–', '–', '✗'],
      ['a1b2c3d4', '3h0m ago', 'scheduled', '3.1K', '2.0K', '1,204', '✓'],
    ]);
    expect(rows.map((r) => r.drill)).toEqual([undefined, false, true]);
  });

  it('Given a task running for 12 s, When its progress line is drawn, Then a spinner, what runs and the seconds', () => {
    const startedAt = NOW.getTime() - 12_400;
    expect(progressLine({ action: { kind: 'backup', server: 'prod', app: 'cigar' }, startedAt }, NOW.getTime())).toBe(
      '⠹ backing up cigar on prod… 12 s',
    );
    expect(progressLine({ action: { kind: 'restore', server: 'prod', app: 'cigar', snapshot: ID }, startedAt }, NOW.getTime())).toMatch(
      /^. restoring cigar on prod from a1b2c3d4… 12 s$/,
    );
  });

  it('Given a backup and a drill that worked or not, When their outcome is made, Then ✓ or ✗ with the CLI’s words', () => {
    const ok = backupOutcome('prod', { app: 'cigar', ok: true, seconds: 1.5, snapshot: snapshot(NOW.toISOString(), { rows: { a: 1 } }) });
    expect(ok).toMatchObject({
      ok: true,
      lines: ['✓ Backup of cigar: snapshot a1b2c3d4 in 1.5 s', '  dump –, added to the repository –', '  rows: a 1'],
    });
    expect(backupOutcome('prod', { app: 'cigar', ok: false, seconds: 0.4, error: 'pg_dump failed (exit 1)' }).lines).toEqual([
      '✗ Backup of cigar failed after 0.4 s: pg_dump failed (exit 1)',
    ]);
    const passed = drillOutcome('prod', { app: 'cigar', snapshot: ID, drill: { ok: true, at: '', seconds: 2.1, mismatches: [] } });
    expect(passed.lines).toEqual([
      '✓ Restore drill of cigar, snapshot a1b2c3d4: restored into a scratch database, row counts equal, in 2.1 s',
    ]);
    const failed = drillOutcome('prod', {
      app: 'cigar',
      snapshot: ID,
      drill: { ok: false, at: '', seconds: 2, mismatches: ['items: 3 -> 2'] },
    });
    expect(failed).toMatchObject({ ok: false, lines: ['✗ Restore drill of cigar, snapshot a1b2c3d4: FAILED: items: 3 -> 2'] });
  });

  it('Given restore answers as the contract shapes them, When their outcome is made, Then the steps and where the replaced is kept', () => {
    const answer = restoreResultSchema.parse({
      app: 'cigar',
      ok: true,
      snapshot: ID,
      safety: snapshot(NOW.toISOString(), { shortId: 'feedbeef', kind: 'manual' }),
      keptDatabase: 'cigar_before_restore_20261207120000',
      maintenanceSeconds: 4.2,
      steps: ['safety backup feedbeef', 'restored into cigar_restore', 'swapped'],
      seconds: 9.5,
    });
    expect(restoreOutcome('prod', answer).lines).toEqual([
      '✓ cigar restored from snapshot a1b2c3d4 in 9.5 s (503 for 4.2 s)',
      '  · safety backup feedbeef',
      '  · restored into cigar_restore',
      '  · swapped',
      '  safety backup of what was live: snapshot feedbeef',
      '  the replaced database is kept as cigar_before_restore_20261207120000 (dropped only by hand)',
    ]);
    const failed = restoreResultSchema.parse({ app: 'cigar', ok: false, snapshot: ID, error: 'pg_restore failed (exit 1)', seconds: 3 });
    expect(restoreOutcome('prod', failed)).toMatchObject({
      ok: false,
      lines: ['✗ Restore of cigar from snapshot a1b2c3d4 failed: pg_restore failed (exit 1)'],
    });
  });
});

/** How backups read in the CLI: the summary of one, the table of all, the drill's word. */
import { describe, expect, it } from 'vitest';
import { backupSummary, backupsTable, drillLine, rowsLine } from '../../src/core/backup-render.js';

const snapshot = { id: 'a'.repeat(64), shortId: 'aaaaaaaa', time: '2026-12-06T21:00:00.000Z', kind: 'manual' as const };

describe('backups for people', () => {
  it('Given a backup that worked and one that failed, When summarised, Then the id, sizes and rows, or the reason, are shown', () => {
    const ok = { app: 'cigar', ok: true, seconds: 1.5, snapshot: { ...snapshot, sizeBytes: 3174, addedBytes: 2048, rows: { items: 3 } } };
    expect(backupSummary(ok)).toBe(
      'Backup of cigar: snapshot aaaaaaaa in 1.5 s\n  dump 3.1K, added to the repository 2.0K\n  rows: items 3',
    );
    expect(backupSummary({ app: 'cigar', ok: false, seconds: 0.4, error: 'pg_dump failed (exit 1): no such database' })).toBe(
      'Backup of cigar failed after 0.4 s: pg_dump failed (exit 1): no such database',
    );
  });

  it('Given snapshots with and without a drill, When listed, Then the drill column says passed, FAILED with why, or -', () => {
    const passed = { ok: true, at: snapshot.time, seconds: 1, mismatches: [] };
    const failed = { ok: false, at: snapshot.time, seconds: 1, mismatches: ['items: 3 -> 2'] };
    expect(drillLine(passed)).toBe('passed (1 s)');
    expect(drillLine(failed)).toBe('FAILED: items: 3 -> 2');
    expect(drillLine(undefined)).toBe('-');
    expect(rowsLine({})).toBe('-');
    const text = backupsTable({
      app: 'cigar',
      snapshots: [
        { ...snapshot, drill: passed },
        { ...snapshot, shortId: 'bbbbbbbb' },
      ],
    });
    expect(text.split('\n')[0]).toMatch(/^ID\s+WHEN\s+KIND\s+SIZE\s+ADDED\s+DRILL\s+ROWS$/);
    expect(text).toContain('passed (1 s)');
    expect(backupsTable({ app: 'cigar', snapshots: [] })).toBe('No backups of cigar yet. Take one with `hms backup cigar`.');
  });
});

/** How backups read in the CLI: the summary of one, the table of all, the drill's word. */
import { describe, expect, it } from 'vitest';
import { backupCell, backupSummary, backupsTable, drillLine, rowsLine, rowsTotal } from '../../src/core/backup-render.js';

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

describe('an offsite repository taken over by a rebuilt server', () => {
  it('Given snapshots from two hosts, When listed, Then a HOST column says which server took each; from one host, none', () => {
    const two = backupsTable({
      app: 'cigar',
      snapshots: [
        { ...snapshot, host: 'prod' },
        { ...snapshot, shortId: 'bbbbbbbb', host: 'rebuilt' },
      ],
    });
    expect(two.split('\n')[0]).toMatch(/^ID\s+WHEN\s+HOST\s+KIND/);
    expect(two).toMatch(/bbbbbbbb .* rebuilt +manual/);
    expect(backupsTable({ app: 'cigar', snapshots: [{ ...snapshot, host: 'prod' }] }).split('\n')[0]).not.toMatch(/HOST/);
  });
});

describe('an app’s backups at a glance', () => {
  const now = new Date('2026-12-07T12:00:00.000Z');
  const last = { ...snapshot, time: '2026-12-07T09:00:00.000Z' };
  const drill = (ok: boolean) => ({ ok, at: '2026-12-07T09:05:00.000Z', seconds: 1, mismatches: [] });

  it('Given each state, When made a cell, Then the age of the last good backup and the drill, toned for colour', () => {
    expect(backupCell({ state: 'ok', last, drill: drill(true) }, now)).toEqual({ text: '3h0m ago, drill ✓', tone: 'ok' });
    expect(backupCell({ state: 'ok', last }, now)).toEqual({ text: '3h0m ago, no drill', tone: 'warn' });
    expect(backupCell({ state: 'overdue', last, drill: drill(true) }, now)).toEqual({ text: 'overdue: 3h0m ago, drill ✓', tone: 'bad' });
    expect(backupCell({ state: 'failed', last, failure: { at: '2026-12-07T11:00:00.000Z', error: 'x' } }, now)).toEqual({
      text: 'failed 1h0m ago',
      tone: 'bad',
    });
    expect(backupCell({ state: 'failed', last, drill: drill(false) }, now)).toEqual({ text: '3h0m ago, drill ✗', tone: 'bad' });
    expect(backupCell({ state: 'none' }, now)).toEqual({ text: 'none yet', tone: 'warn' });
    expect(rowsTotal({ items: 1200, orders: 4 })).toBe('1,204');
    expect(rowsTotal(undefined)).toBe('–');
  });
});

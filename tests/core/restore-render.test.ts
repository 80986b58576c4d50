/** How a restore reads: what is replaced by what, asked first; what was done and kept, after. */
import { describe, expect, it } from 'vitest';
import { keptTable, replacementTable, restoreQuestion, restoreSummary } from '../../src/core/restore-render.js';

describe('the restore question', () => {
  it('Given live and snapshot row counts, When asked, Then each table shows its rows on both sides, "-" where one has none', () => {
    const text = replacementTable({ visits: 5, notes: 2 }, { visits: 3, schema_migrations: 1 });
    expect(text).toMatch(/TABLE\s+LIVE ROWS \(replaced\)\s+SNAPSHOT ROWS/);
    expect(text).toMatch(/notes\s+2\s+-/);
    expect(text).toMatch(/schema_migrations\s+-\s+1/);
    expect(text).toMatch(/visits\s+5\s+3/);
    const question = restoreQuestion(
      { app: 'cigar', ok: true, snapshot: 'a'.repeat(64), steps: [], seconds: 0, liveRows: {}, snapshotRows: {} },
      'prod',
      'aaaaaaaa',
    );
    expect(question).toMatch(/Restore backup aaaaaaaa of cigar on prod\. The live database is replaced \(and kept, not dropped\)/);
    expect(question).toMatch(/no tables on either side/);
  });
});

describe('the restore summary', () => {
  it('Given a restore that worked, When summed up, Then it names the snapshot, the 503 time, the safety backup, the kept database', () => {
    const text = restoreSummary({
      app: 'cigar',
      ok: true,
      snapshot: '1a2b3c4d'.repeat(8),
      safety: { id: 'f'.repeat(64), shortId: 'ffffffff', time: 't', kind: 'pre-restore' },
      keptDatabase: 'cigar_before_restore_20260125180211',
      maintenanceSeconds: 2.5,
      steps: ['cigar in maintenance (503)'],
      seconds: 9,
    });
    expect(text).toMatch(/^cigar: backup 1a2b3c4d is live \(9 s; 503 for 2\.5 s\)\./);
    expect(text).toMatch(/ {2}- cigar in maintenance \(503\)/);
    expect(text).toMatch(/safety backup of what was live: ffffffff/);
    expect(text).toMatch(/kept as cigar_before_restore_20260125180211/);
  });

  it('Given a restore refused before the swap, When summed up, Then it says the live database is unchanged', () => {
    const text = restoreSummary({
      app: 'cigar',
      ok: false,
      snapshot: 'a'.repeat(64),
      steps: [],
      seconds: 1,
      error: 'restic dump failed',
      unchanged: true,
    });
    expect(text).toMatch(/failed after 1 s: restic dump failed/);
    expect(text).toMatch(/the live database is unchanged/);
    expect(keptTable('cigar', [])).toBe('Nothing kept by restores of cigar.');
    const kept = keptTable('cigar', [
      { app: 'cigar', name: 'cigar_before_restore_20260125180211', sizeBytes: 8_000_000, kind: 'database' },
      { app: 'cigar', name: 'shared/storage.before_restore_20260125180211', kind: 'files' },
    ]);
    expect(kept).toMatch(/cigar_before_restore_20260125180211\s+database\s+7\.6 ?M/);
    expect(kept).toMatch(/shared\/storage\.before_restore_20260125180211\s+uploaded files\s+-/);
  });
});

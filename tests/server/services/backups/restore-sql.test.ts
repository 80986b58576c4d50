/**
 * A restore's names and SQL as data: the names come from the live database and the time
 * (never a request), the kept pattern matches only that app's kept databases, and names
 * reach SQL only as psql variables.
 */
import { describe, expect, it } from 'vitest';
import {
  CREATE_SQL,
  DROP_SQL,
  keptName,
  keptPattern,
  parseDatabases,
  psqlArgv,
  restoringName,
  restoringPattern,
  SWAP_BACK_SQL,
  SWAP_SQL,
  stamp,
} from '../../../../server/services/backups/restore-sql.js';
import { preMigrationOf } from '../../../../server/services/backups/rollback-database.js';

const NOW = new Date('2026-01-25T18:02:11.345Z');

describe('the names a restore makes', () => {
  it('Given the live database and the time, When the kept and restoring names are made, Then they carry the UTC time', () => {
    expect(stamp(NOW)).toBe('20260125180211');
    expect(keptName('cigar', NOW)).toBe('cigar_before_restore_20260125180211');
    expect(restoringName('cigar', NOW)).toBe('cigar_restoring_20260125180211');
  });

  it('Given a live name near the 63-character limit, When the names are made, Then they are cut to fit and still match', () => {
    const live = 'a'.repeat(63);
    expect(keptName(live, NOW)).toHaveLength(63);
    expect(keptPattern(live).test(keptName(live, NOW))).toBe(true);
    expect(restoringPattern(live).test(restoringName(live, NOW))).toBe(true);
  });

  it("Given other databases, When the kept pattern of cigar is asked, Then only cigar's kept ones match", () => {
    const pattern = keptPattern('cigar');
    expect(pattern.test('cigar_before_restore_20260125180211')).toBe(true);
    for (const name of [
      'cigar',
      'cigar_restoring_20260125180211',
      'tobacco_before_restore_20260125180211',
      'xcigar_before_restore_20260125180211',
      'cigar_before_restore_2026012518021',
      'cigar_before_restore_20260125180211;drop',
      'postgres',
    ])
      expect(pattern.test(name), name).toBe(false);
    expect(keptPattern('a.b').test('axb_before_restore_20260125180211')).toBe(false);
  });
});

describe('the SQL of a restore', () => {
  it('Given variables, When psql is built, Then they are -v arguments and the statements come on stdin', () => {
    expect(psqlArgv({ live: 'cigar', fresh: 'cigar_restoring_1' })).toEqual([
      ...['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '--no-password'],
      ...['-v', 'live=cigar', '-v', 'fresh=cigar_restoring_1', '-d', 'postgres'],
    ]);
  });

  it('Given the statements, When read, Then names appear only as psql variables and both renames share one transaction', () => {
    for (const sql of [CREATE_SQL, SWAP_SQL, SWAP_BACK_SQL, DROP_SQL]) expect(sql).not.toMatch(/cigar/);
    expect(SWAP_SQL).toMatch(/BEGIN;\nALTER DATABASE :"live" RENAME TO :"kept";\nALTER DATABASE :"fresh" RENAME TO :"live";\nCOMMIT;/);
    expect(SWAP_BACK_SQL).toMatch(/BEGIN;\nALTER DATABASE :"live" RENAME TO :"fresh";\nALTER DATABASE :"kept" RENAME TO :"live";\nCOMMIT;/);
    expect(SWAP_SQL.indexOf('pg_terminate_backend')).toBeLessThan(SWAP_SQL.indexOf('BEGIN'));
    expect(CREATE_SQL).toMatch(/REVOKE ALL ON DATABASE :"fresh" FROM PUBLIC;/);
  });

  it('Given psql listing databases, When parsed, Then names and sizes come back and other lines are ignored', () => {
    expect(parseDatabases('cigar\t7000\npostgres\t100\nbroken line\n\n')).toEqual([
      { name: 'cigar', sizeBytes: 7000 },
      { name: 'postgres', sizeBytes: 100 },
    ]);
  });
});

describe('the backup a rollback restores', () => {
  const snap = (id: string, kind: 'manual' | 'pre-migration', release?: string) => ({
    id,
    shortId: id.slice(0, 8),
    time: '2026-01-25T18:02:11Z',
    kind,
    ...(release ? { release } : {}),
  });

  it("Given several backups, When the current release's pre-migration backup is picked, Then it is the newest one tagged with it", () => {
    const snapshots = [
      snap('a'.repeat(64), 'pre-migration', '20260101000000'),
      snap('b'.repeat(64), 'pre-migration', '20260102000000'),
      snap('c'.repeat(64), 'pre-migration', '20260102000000'),
      snap('d'.repeat(64), 'manual'),
    ];
    expect(preMigrationOf(snapshots, '20260102000000')?.id).toBe('c'.repeat(64));
    expect(preMigrationOf(snapshots, '20260103000000')).toBeUndefined();
    expect(preMigrationOf(snapshots, null)).toBeUndefined();
  });
});

/**
 * What a backup runs, as data: the dump, the count, restic's commands, and how their
 * output is read; names that are not plain identifiers never reach an argv.
 */
import { describe, expect, it } from 'vitest';
import {
  backupArgv,
  compareCounts,
  createScratchArgv,
  dropScratchArgv,
  resticDumpArgv,
  restoreArgv,
  scratchDatabase,
  COUNT_SQL,
  countArgv,
  databaseOf,
  dumpArgv,
  forgetArgv,
  parseCounts,
  parseSnapshots,
  parseSummary,
  resticEnv,
  snapshotArgv,
  snapshotsArgv,
} from '../../../../server/services/backups/argv.js';
import { agentConfigSchema } from '../../../../server/config.js';

describe("an app's database name", () => {
  it('Given a DATABASE_URL, When its database is read, Then only a plain lowercase identifier comes back', () => {
    expect(databaseOf('postgres://cigar:p%40ss@127.0.0.1:5432/cigar_shop')).toBe('cigar_shop');
    expect(databaseOf('postgresql://cigar@localhost/cigar')).toBe('cigar');
    for (const url of [
      undefined,
      '',
      'not a url',
      'mysql://u@h/cigar',
      'postgres://u@h/cigar%20x',
      'postgres://u@h/dbname=x%20host=evil',
      'postgres://u@h/-d',
      'postgres://u@h/Cigar',
      'postgres://u@h/',
    ]) {
      expect(databaseOf(url), String(url)).toBeUndefined();
    }
  });
});

describe('the commands of one backup', () => {
  it('Given app cigar and database cigar, When the argv are built, Then the dump runs as postgres and restic reads stdin with tags', () => {
    expect(dumpArgv('cigar')).toEqual(['runuser', '-u', 'postgres', '--', 'pg_dump', '-Fc', '-Z0', '--no-password', '-d', 'cigar']);
    expect(backupArgv('cigar', 'manual')).toEqual([
      'restic',
      'backup',
      '--json',
      '--quiet',
      '--stdin',
      '--stdin-filename',
      'cigar.dump',
      '--tag',
      'app:cigar',
      '--tag',
      'kind:manual',
      '--tag',
      'part:database',
    ]);
    expect(snapshotsArgv('cigar')).toEqual(['restic', 'snapshots', '--json', '--tag', 'app:cigar']);
    expect(snapshotArgv('0123abcd')).toEqual(['restic', 'snapshots', '--json', '--', '0123abcd']);
    expect(forgetArgv('0123abcd')).toEqual(['restic', 'forget', '--', '0123abcd']);
    expect(countArgv('cigar').slice(-4)).toEqual(['-d', 'cigar', '-c', COUNT_SQL]);
  });

  it('Given the count statement, When it is read, Then table names reach SQL only through format(%I), never glued in', () => {
    expect(COUNT_SQL).toContain("format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name)");
    expect(COUNT_SQL).toContain("table_schema = 'public' AND table_type = 'BASE TABLE'");
  });

  it('Given the agent config, When restic runs, Then its repository and password file come from it, never the password itself', () => {
    const env = resticEnv(agentConfigSchema.parse({}));
    expect(env).toMatchObject({ RESTIC_REPOSITORY: '/var/backups/hms/restic', RESTIC_PASSWORD_FILE: '/etc/hosting-api/restic-local.pass' });
    expect(env.RESTIC_PASSWORD).toBeUndefined();
  });
});

describe('what restic and psql answer', () => {
  it("Given restic backup's JSON lines, When the summary is read, Then the snapshot id and sizes come back; none without a summary", () => {
    const id = 'a'.repeat(64);
    const lines = [
      '{"message_type":"status","percent_done":0.5}',
      `{"message_type":"summary","data_added":1200,"total_bytes_processed":4096,"snapshot_id":"${id}"}`,
    ].join('\n');
    expect(parseSummary(lines)).toEqual({ id, sizeBytes: 4096, addedBytes: 1200 });
    expect(parseSummary('{"message_type":"status"}\nFatal: unable to save snapshot')).toBeUndefined();
    expect(parseSummary('')).toBeUndefined();
  });

  it('Given restic snapshots --json, When it is read, Then each has its kind from its tag and ids that are not hex are dropped', () => {
    const stdout = JSON.stringify([
      { id: 'b'.repeat(64), short_id: 'bbbbbbbb', time: '2026-12-06T21:00:00Z', tags: ['app:cigar', 'kind:manual'] },
      { id: 'c'.repeat(64), short_id: 'cccccccc', time: '2026-12-06T22:00:00Z', tags: ['app:cigar', 'kind:pre-migration'] },
      { id: '../x', time: '2026-12-06T22:00:00Z' },
    ]);
    expect(parseSnapshots(stdout)).toEqual([
      { id: 'b'.repeat(64), shortId: 'bbbbbbbb', time: '2026-12-06T21:00:00Z', kind: 'manual' },
      { id: 'c'.repeat(64), shortId: 'cccccccc', time: '2026-12-06T22:00:00Z', kind: 'pre-migration' },
    ]);
    expect(parseSnapshots('[]')).toEqual([]);
    expect(parseSnapshots('')).toEqual([]);
  });

  it('Given row counts, When the backup argv tags them, Then a listing of any copy reads them back; a forged tag is ignored', () => {
    const rows = { notes: 3, 'Order Lines': 0 };
    const argv = backupArgv('cigar', 'scheduled', { rows });
    const tag = argv.at(-1)!;
    expect(argv.at(-2)).toBe('--tag');
    expect(tag).toMatch(/^rows:[A-Za-z0-9_-]+$/);
    const listed = (tags: string[]) =>
      parseSnapshots(JSON.stringify([{ id: 'd'.repeat(64), short_id: 'dddddddd', time: '2026-12-06T23:00:00Z', tags }]))[0];
    expect(listed(['app:cigar', 'kind:scheduled', tag])).toMatchObject({ kind: 'scheduled', rows });
    const forged = `rows:${Buffer.from(JSON.stringify({ notes: -1 })).toString('base64url')}`;
    expect(listed(['app:cigar', forged])?.rows).toBeUndefined();
    expect(listed(['app:cigar', 'rows:%%%'])?.rows).toBeUndefined();
  });

  it("Given psql's tab-separated counts, When they are read, Then each table has its count, names with spaces kept", () => {
    expect(parseCounts('Order Lines\t2\nitems\t3\n')).toEqual({ 'Order Lines': 2, items: 3 });
    expect(parseCounts('')).toEqual({});
  });
});

describe('a restore drill', () => {
  it('Given a snapshot, When the drill argv are built, Then the scratch name is fixed by hms and restic dumps into pg_restore', () => {
    const scratch = scratchDatabase(new Date('2026-12-06T22:00:00Z'));
    expect(scratch).toBe('hms_drill_1796594400000');
    expect(createScratchArgv(scratch)).toEqual(['runuser', '-u', 'postgres', '--', 'createdb', '--template=template0', '--', scratch]);
    expect(dropScratchArgv(scratch)).toEqual(['runuser', '-u', 'postgres', '--', 'dropdb', '--if-exists', '--', scratch]);
    expect(resticDumpArgv('b'.repeat(64), 'cigar')).toEqual(['restic', 'dump', '--', 'b'.repeat(64), '/cigar.dump']);
    expect(restoreArgv(scratch)).toEqual([
      'runuser',
      '-u',
      'postgres',
      '--',
      'pg_restore',
      '--no-owner',
      '--no-acl',
      '--exit-on-error',
      '-d',
      scratch,
    ]);
  });

  it('Given recorded and restored counts, When they are compared, Then each table that differs or is missing is named', () => {
    expect(compareCounts({ items: 3, orders: 2 }, { items: 3, orders: 2 })).toEqual([]);
    expect(compareCounts({ items: 3, orders: 2 }, { items: 2, extra: 1 })).toEqual(['extra: -1 -> 1', 'items: 3 -> 2', 'orders: 2 -> -1']);
  });
});

describe('a pre-migration backup', () => {
  it('Given a release, When its backup argv is built and restic lists it, Then the release is a tag and comes back', () => {
    expect(backupArgv('cigar', 'pre-migration', { release: '20260125180211' }).slice(-6)).toEqual([
      '--tag',
      'kind:pre-migration',
      '--tag',
      'part:database',
      '--tag',
      'release:20260125180211',
    ]);
    expect(backupArgv('cigar', 'manual').join(' ')).not.toMatch(/release:/);
    const listed = parseSnapshots(
      JSON.stringify([
        { id: 'e'.repeat(64), time: '2026-01-25T18:02:11Z', tags: ['app:cigar', 'kind:pre-migration', 'release:20260125180211'] },
      ]),
    );
    expect(listed[0]).toMatchObject({ kind: 'pre-migration', release: '20260125180211' });
  });

  it('Given a restore, When pg_restore is built for the live side, Then it runs as the app role', () => {
    expect(restoreArgv('cigar_restoring_1', 'cigar')).toContain('--role=cigar');
    expect(restoreArgv('hms_drill_1').some((word) => word.startsWith('--role'))).toBe(false);
  });
});

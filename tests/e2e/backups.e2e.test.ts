/**
 * Database backups on a bare server, through `hms` as a user runs it: `hms full-deploy`
 * makes the restic repository (root only, a second provision changes nothing), rows
 * written by the app's role are in `hms backup cigar`'s snapshot and counted beside it,
 * `hms backups cigar --json` lists it, the uploaded files in a snapshot beside it; a hostile app name runs nothing; a dump that
 * fails, before the pipe or in it, leaves no snapshot behind.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupListSchema, backupResultSchema } from '../../src/api/backups.js';
import { testServerSupport } from '../support/test-server.js';
import { postgresLaptop } from './postgres-laptop.js';
import { timedAs } from '../support/timed.js';

const support = testServerSupport();
const REPOSITORY = '/var/backups/hms/restic';
const RESTIC = ['restic', '--repo', REPOSITORY, '--password-file', '/etc/hosting-api/restic-local.pass'];

describe.skipIf(!support.ok)('database backups with restic', { timeout: 900_000 }, () => {
  const laptop = postgresLaptop('hms-backups-');
  const { hms } = laptop;
  const secrets = laptop.secrets;
  /** SQL as the app's role over 127.0.0.1, as the app itself reaches its database; the password on stdin. */
  const { asApp } = laptop;
  const asPostgres = (sql: string) => laptop.server.exec(['runuser', '-u', 'postgres', '--', 'psql', '-X', '-tA', '-c', sql]);
  /** The database snapshots (the uploaded files' own, tagged part:files, go with them). */
  const snapshotIds = async () =>
    (JSON.parse((await laptop.server.exec([...RESTIC, 'snapshots', '--json'])).stdout) as Array<{ id: string; tags?: string[] }>)
      .filter((s) => !s.tags?.includes('part:files'))
      .map((s) => s.id);
  const timed = timedAs('backups');

  it(
    'Given an app declaring PostgreSQL, When `hms full-deploy` runs on a bare server and then `hms provision` again, ' +
      'Then the restic repository is made root only, its password never printed, and the second run changes nothing',
    async () => {
      const run = await timed('full-deploy of a bare server', () => hms(['full-deploy', 'test']));
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.stderr).toMatch(/● Backups: the local restic repository/);
      const password = (await secrets()).backup_passwords.local as string;
      expect(password.length).toBeGreaterThanOrEqual(32);
      for (const output of [run.stdout, run.stderr]) expect(output.includes(password)).toBe(false);
      const modes = await laptop.server.exec(['stat', '-c', '%a %U', REPOSITORY, '/etc/hosting-api/restic-local.pass']);
      expect(modes.stdout.trim().split('\n')).toEqual(['700 root', '600 root']);
      expect((await laptop.server.exec([...RESTIC, 'cat', 'config'])).code).toBe(0);

      const again = await timed('second provision', () => hms(['provision', 'test']));
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/every step up to date; nothing changed/);
    },
  );

  it(
    'Given rows written by the app, When `hms backup cigar` runs, ' +
      'Then `hms backups cigar --json` lists one manual snapshot with the row counts, and the dump in it restores those tables',
    async () => {
      const write = await asApp(
        "CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items (name) VALUES ('a'), ('b'), ('c'); " +
          'CREATE TABLE "Order Lines" (id int); INSERT INTO "Order Lines" VALUES (1), (2);',
      );
      expect(write.code, write.stderr).toBe(0);
      // An upload, as Active Storage keeps it (shared/storage is one of the app's shared folders).
      const upload = '/var/www/cigar/shared/storage/ab/cd/abcdef-photo';
      await laptop.server.exec(['sh', '-c', `mkdir -p "$(dirname ${upload})" && printf 'JPEG-bytes' > ${upload}`]);
      const run = await timed('hms backup cigar', () => hms(['backup', 'cigar', '--json']));
      expect(run.code, run.stderr).toBe(0);
      const result = backupResultSchema.parse(JSON.parse(run.stdout));
      expect(result.ok).toBe(true);
      expect(result.snapshot?.rows).toEqual({ 'Order Lines': 2, items: 3 });
      expect(result.snapshot?.sizeBytes).toBeGreaterThan(0);
      expect(result.snapshot?.files?.folders).toEqual(['shared/storage']);
      const stored = await laptop.server.exec([...RESTIC, 'dump', result.snapshot!.files!.id, upload]);
      expect(stored.stdout).toBe('JPEG-bytes');

      const listed = await hms(['backups', 'cigar', '--json']);
      expect(listed.code, listed.stderr).toBe(0);
      const list = backupListSchema.parse(JSON.parse(listed.stdout));
      expect(list.snapshots).toHaveLength(1);
      expect(list.snapshots[0]).toMatchObject({ id: result.snapshot!.id, kind: 'manual', rows: { 'Order Lines': 2, items: 3 } });
      expect(list.snapshots[0]!.files?.id).toBe(result.snapshot!.files!.id);
      expect(list.snapshots[0]!.addedBytes).toBeGreaterThan(0);
      const human = await hms(['backups', 'cigar']);
      expect(human.stdout).toContain(result.snapshot!.shortId);
      expect(human.stdout).toMatch(/manual/);

      const contents = await laptop.server.exec([
        'sh',
        '-c',
        `"$@" dump ${result.snapshot!.id} cigar.dump | pg_restore --list`,
        'dump',
        ...RESTIC,
      ]);
      expect(contents.stdout).toMatch(/TABLE DATA public items /);
      expect(contents.stdout).toMatch(/TABLE DATA public Order Lines /);
      const audit = await hms(['audit', '--json']);
      expect(audit.stdout).toMatch(/"action":\s*"backup"/);
    },
  );

  it(
    'Given a hostile or unknown app name, When `hms backup` or `hms backups` is asked for it, ' + 'Then it is refused and nothing runs',
    async () => {
      const before = await snapshotIds();
      for (const name of ['../cigar', 'cigar;id', '--help=x', 'unknown']) {
        const run = await hms(['backup', name]);
        expect(run.code).not.toBe(0);
        // `--help=x` stops at the CLI (no such flag: a usage error); the others at the agent's allow-list.
        expect(run.stderr).toMatch(/Unknown app|Unknown flag: --help=x/);
        expect((await hms(['backups', name])).code).not.toBe(0);
      }
      expect(await snapshotIds()).toEqual(before);
    },
  );

  it(
    'Given a dump that fails, When `hms backup cigar` runs, ' +
      'Then it says why, exits non-zero, and no new snapshot is kept (the earlier one intact)',
    async () => {
      const before = await snapshotIds();
      expect(before).toHaveLength(1);
      // The database renamed away: nothing to count nor dump.
      expect((await asPostgres('ALTER DATABASE cigar RENAME TO cigar_away')).code).toBe(0);
      const gone = await hms(['backup', 'cigar', '--json']);
      expect((await asPostgres('ALTER DATABASE cigar_away RENAME TO cigar')).code).toBe(0);
      expect(gone.code).toBe(1);
      expect(backupResultSchema.parse(JSON.parse(gone.stdout)).error).toMatch(/cigar/);

      // A pg_dump that writes part of a dump and then fails: restic saves what it read, hms must forget it.
      // Fault injection on the test server: a pg_dump ahead of Debian's on the agent's PATH.
      const fake = '/usr/local/bin/pg_dump';
      await laptop.server.exec(['sh', '-c', `printf '#!/bin/sh\\nprintf PGDMP-partial\\nexit 3\\n' > ${fake} && chmod 755 ${fake}`]);
      const cut = await hms(['backup', 'cigar', '--json']);
      await laptop.server.exec(['rm', '-f', fake]);
      expect(cut.code).toBe(1);
      expect(backupResultSchema.parse(JSON.parse(cut.stdout)).error).toMatch(/pg_dump failed \(exit 3\)/);
      expect(await snapshotIds()).toEqual(before);
      const list = backupListSchema.parse(JSON.parse((await hms(['backups', 'cigar', '--json'])).stdout));
      expect(list.snapshots.map((s) => s.id)).toEqual(before);
      expect((await laptop.server.exec([...RESTIC, 'check'])).code).toBe(0);
    },
  );

  it(
    'Given a backup, When `hms backup cigar --drill` runs, ' +
      'Then the dump restores into a scratch database with the recorded row counts, the scratch is dropped, and `hms backups` shows it',
    async () => {
      expect((await asApp("INSERT INTO items (name) VALUES ('d')")).code).toBe(0);
      // Rows keep arriving while the backup runs: the counts must be those of the dump's own snapshot.
      const writer = laptop.server.exec(
        [
          'sh',
          '-c',
          'IFS= read -r PGPASSWORD; export PGPASSWORD; end=$(($(date +%s) + 5)); while [ "$(date +%s)" -lt "$end" ]; do ' +
            'psql -X -w -q -h 127.0.0.1 -U cigar -d cigar -c "INSERT INTO items (name) VALUES (\'w\')"; done',
        ],
        { input: `${(await secrets()).database_passwords.cigar}\n` },
      );
      const run = await timed('hms backup cigar --drill', () => hms(['backup', 'cigar', '--drill', '--json']));
      await writer;
      expect(run.code, run.stderr + run.stdout).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result.drill).toMatchObject({ ok: true, mismatches: [] });
      console.log(`[backups] restore drill (agent's own time): ${result.drill.seconds} s`);
      const list = backupListSchema.parse(JSON.parse((await hms(['backups', 'cigar', '--json'])).stdout));
      expect(list.snapshots.at(-1)).toMatchObject({ rows: { 'Order Lines': 2 }, drill: { ok: true } });
      expect(list.snapshots.at(-1)!.rows!.items).toBeGreaterThanOrEqual(4);
      expect(Number((await asApp('SELECT count(*) FROM items')).stdout.trim())).toBeGreaterThan(list.snapshots.at(-1)!.rows!.items!);
      expect((await hms(['backups', 'cigar'])).stdout).toMatch(/passed/);
      expect((await asPostgres("SELECT count(*) FROM pg_database WHERE datname LIKE 'hms_drill_%'")).stdout.trim()).toBe('0');
      expect((await hms(['audit', '--json'])).stdout).toMatch(/"action":\s*"backup\.drill"/);
    },
  );

  it(
    'Given backups, When `hms backup pull cigar` runs, Then the latest dump is on the laptop, byte for byte what restic holds, ' +
      'a second pull does not overwrite it, and a hostile or unknown id writes nothing',
    async () => {
      const latest = backupListSchema.parse(JSON.parse((await hms(['backups', 'cigar', '--json'])).stdout)).snapshots.at(-1)!;
      const run = await timed('hms backup pull cigar', () => hms(['backup', 'pull', 'cigar', '--json']));
      expect(run.code, run.stderr + run.stdout).toBe(0);
      const pulled = JSON.parse(run.stdout) as { file: string; bytes: number; sha256: string; verified: boolean };
      expect(pulled).toMatchObject({ file: path.join(laptop.dir, `cigar-${latest.shortId}.dump`), verified: true });
      const local = await readFile(pulled.file);
      expect(local.subarray(0, 5).toString()).toBe('PGDMP');
      expect(createHash('sha256').update(local).digest('hex')).toBe(pulled.sha256);
      const onServer = await laptop.server.exec(['sh', '-c', `"$@" dump ${latest.id} /cigar.dump | sha256sum`, 'dump', ...RESTIC]);
      expect(onServer.stdout.split(' ')[0]).toBe(pulled.sha256);
      expect((await stat(pulled.file)).mode & 0o777).toBe(0o600);

      const again = await hms(['backup', 'pull', 'cigar', latest.shortId]);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toMatch(/exists already; hms does not overwrite it/);
      for (const id of ['../../etc', 'ffffffff', '0123']) {
        const refused = await hms(['backup', 'pull', 'cigar', id]);
        expect(refused.code).not.toBe(0);
        expect(refused.stderr).toMatch(/has no backup/);
      }
      expect((await readdir(laptop.dir)).filter((name) => name.endsWith('.dump') || name.endsWith('.part'))).toEqual([
        path.basename(pulled.file),
      ]);
      expect((await hms(['audit', '--json'])).stdout).toMatch(/"action":\s*"backup\.pull"/);
    },
  );
});

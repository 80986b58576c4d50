/**
 * An app on SQLite with uploaded files, through `hms` as a user runs it, on one bare
 * server: `hms full-deploy`, `hms deploy tobacco` (the sample app on SQLite), rows and
 * files written through its site. The timer's backup copies the live file with sqlite3's
 * online `.backup` and the uploads beside it, and its drill restores the file and finds
 * it whole with the same rows; more rows and files later, `hms restore` brings back
 * exactly the rows and the files of the backup, keeps the replaced file and folder (listed,
 * removed only by `hms backups drop`), and `hms backup pull` gives a file sqlite3 opens.
 */
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backupListSchema, keptDatabaseSchema, restoreResultSchema } from '../../src/api/backups.js';
import { testServerSupport } from '../support/test-server.js';
import { postgresLaptop } from './postgres-laptop.js';
import { siteRequest } from './site-client.js';

const support = testServerSupport();
const SITE = 'http://tobacco.test';
const LIVE = '/var/www/tobacco/shared/db/production.sqlite3';

type Visit = Record<string, unknown>;

describe.skipIf(!support.ok)('an app on SQLite: backups, drills and restores of its file and its uploads', { timeout: 1_200_000 }, () => {
  const laptop = postgresLaptop('hms-sqlite-', { deployable: true });
  const { hms } = laptop;
  const json = (run: { stdout: string }) => JSON.parse(run.stdout) as unknown;
  const get = async <T>(what: string): Promise<T> => {
    const answer = await siteRequest(laptop.server.host, `${SITE}/${what}`);
    expect(answer.status, answer.body.slice(0, 300)).toBe(200);
    return JSON.parse(answer.body) as T;
  };
  const post = async (what: string, body?: string) =>
    expect((await siteRequest(laptop.server.host, `${SITE}/${what}`, { method: 'POST', ...(body ? { body } : {}) })).status).toBe(201);
  const onServer = async (argv: string[]) => {
    const run = await laptop.server.exec(argv);
    expect(run.code, run.stderr).toBe(0);
    return run.stdout.trim();
  };
  const keptNames = async () =>
    keptDatabaseSchema
      .array()
      .parse((json(await hms(['backups', 'tobacco', '--json'])) as { kept: unknown }).kept)
      .map((k) => k.name);
  let backupId = '';
  let atBackup: Visit[] = [];

  beforeAll(async () => {
    await laptop.gitHost.create('tobacco', {}, 'one');
    const file = path.join(laptop.dir, 'hms.config.json');
    const config = JSON.parse(await readFile(file, 'utf8'));
    config.apps.tobacco.repo = laptop.gitHost.url('tobacco');
    await writeFile(file, JSON.stringify(config, null, 2));
  });

  it(
    'Given tobacco on SQLite, When `hms full-deploy` and `hms deploy tobacco` run on a bare server, ' +
      'Then it serves rows and files from its SQLite file and shared/storage',
    async () => {
      const full = await hms(['full-deploy', 'test']);
      expect(full.code, full.stderr + full.stdout).toBe(0);
      const deploy = await hms(['deploy', 'tobacco']);
      expect(deploy.code, deploy.stderr + deploy.stdout.slice(-3000)).toBe(0);
      for (const visit of ['a', 'b', 'c']) await post(`visits?path=${visit}`);
      await post('uploads?name=avatar', 'the first avatar');
      expect(await get('uploads')).toEqual({ avatar: 'the first avatar' });
      expect(await onServer(['sqlite3', '-readonly', LIVE, 'SELECT count(*) FROM visits'])).toBe('3');
    },
  );

  it("Given the timer's backup, When it runs, Then the file is copied online, the uploads too, and the drill finds it whole", async () => {
    atBackup = await get<Visit[]>('visits');
    const timer = await laptop.server.exec(['systemctl', 'start', 'hms-backup.service'], { timeoutMs: 600_000 });
    expect(timer.code, timer.stderr).toBe(0);
    const scheduled = backupListSchema.parse(json(await hms(['backups', 'tobacco', '--json']))).snapshots.at(-1)!;
    expect(scheduled).toMatchObject({ kind: 'scheduled', engine: 'sqlite', rows: { visits: 3 }, drill: { ok: true } });
    expect(scheduled.files?.folders).toEqual(['shared/storage']);
    backupId = scheduled.shortId;
    // No copy is left behind in the agent's folder.
    expect(await onServer(['find', '/var/lib/hosting-api/sqlite', '-type', 'f'])).toBe('');
    const status = await hms(['status', 'tobacco']);
    expect(status.stdout).toMatch(/drill ok/);
  });

  it(
    'Given rows and files changed after the backup, When `hms restore tobacco <id> --yes` runs, ' +
      'Then the rows and the files are those of the backup, and the replaced file and folder are kept and listed',
    async () => {
      await post('visits?path=d');
      await post('uploads?name=avatar', 'a second avatar');
      await post('uploads?name=later', 'written after the backup');
      const run = await hms(['restore', 'tobacco', backupId, '--yes', '--json']);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      const result = restoreResultSchema.parse(json(run));
      expect(result).toMatchObject({
        ok: true,
        keptDatabase: expect.stringMatching(/^shared\/db\/production\.sqlite3\.before_restore_\d{14}$/),
        keptFiles: expect.stringMatching(/^shared\/storage\.before_restore_\d{14}$/),
      });
      expect(result.safety).toMatchObject({ kind: 'pre-restore', engine: 'sqlite', rows: { visits: 4 } });
      expect(await get('visits')).toEqual(atBackup);
      expect(await get('uploads')).toEqual({ avatar: 'the first avatar' });

      const keptFile = `/var/www/tobacco/${result.keptDatabase}`;
      expect(await onServer(['sqlite3', '-readonly', keptFile, 'SELECT group_concat(path) FROM visits'])).toBe('a,b,c,d');
      expect(await onServer(['cat', `/var/www/tobacco/${result.keptFiles}/uploads/later`])).toBe('written after the backup');
      expect(await onServer(['stat', '-c', '%U', LIVE])).toBe(await onServer(['stat', '-c', '%U', keptFile]));

      const kept = keptDatabaseSchema.array().parse((json(await hms(['backups', 'tobacco', '--json'])) as { kept: unknown }).kept);
      expect(kept.map((k) => [k.name, k.kind])).toEqual([
        [result.keptDatabase, 'database'],
        [result.keptFiles, 'files'],
      ]);
      // Another deploy of the restored app still works: the SQLite file is where the release expects it.
      await post('visits?path=e');
      expect((await get<Visit[]>('visits')).map((v) => v.path)).toEqual(['a', 'b', 'c', 'e']);
    },
  );

  it(
    'Given an app that does not come back after the swap, When `hms restore` runs, ' +
      'Then the file and the folder are swapped back, the app serves the rows and files from before, and nothing is left over',
    async () => {
      const before = { visits: await get<Visit[]>('visits'), uploads: await get('uploads'), kept: await keptNames() };
      // Fault injection: a systemctl ahead of Debian's on the agent's PATH whose first `restart` fails (the one after the swap).
      const fake = '/usr/local/bin/systemctl';
      const once = '/run/hms-test-restart-failed';
      const script = `#!/bin/sh\nif [ "$1" = restart ] && [ ! -e ${once} ]; then touch ${once}; exit 1; fi\nexec /usr/bin/systemctl "$@"\n`;
      await onServer(['sh', '-c', `printf '${script}' > ${fake} && chmod 755 ${fake}`]);
      const run = await hms(['restore', 'tobacco', backupId, '--yes', '--json']).finally(() =>
        laptop.server.exec(['rm', '-f', fake, once]),
      );
      expect(run.code).toBe(1);
      const result = restoreResultSchema.parse(json(run));
      expect(result).toMatchObject({
        ok: false,
        unchanged: true,
        error: expect.stringMatching(/systemctl restart tobacco\.service failed/),
      });
      expect(result.steps.join('\n')).toMatch(
        /swapped back: \/var\/www\/tobacco\/shared\/db\/production\.sqlite3 is the database from before/,
      );
      expect(result.steps.join('\n')).toMatch(/shared\/storage hold the files from before/);
      expect(await get('visits')).toEqual(before.visits);
      expect(await get('uploads')).toEqual(before.uploads);
      expect(await keptNames()).toEqual(before.kept);
      expect(await onServer(['find', '/var/www/tobacco/shared', '-maxdepth', '2', '-name', '.hms-restoring*'])).toBe('');
    },
  );

  it('Given what a restore kept, When `hms backups drop` names it, Then only that is removed, asked first and audited', async () => {
    const kept = keptDatabaseSchema.array().parse((json(await hms(['backups', 'tobacco', '--json'])) as { kept: unknown }).kept);
    const folder = kept.find((k) => k.kind === 'files')!.name;
    expect((await hms(['backups', 'drop', 'tobacco', folder])).code).not.toBe(0);
    expect((await laptop.server.exec(['test', '-d', `/var/www/tobacco/${folder}`])).code).toBe(0);
    const dropped = await hms(['backups', 'drop', 'tobacco', folder, '--yes']);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect((await laptop.server.exec(['test', '-e', `/var/www/tobacco/${folder}`])).code).not.toBe(0);
    expect(await get('uploads')).toEqual({ avatar: 'the first avatar' });
    for (const hostile of ['../../../etc/passwd', 'shared/storage', 'shared/db/production.sqlite3']) {
      const refused = await hms(['backups', 'drop', 'tobacco', hostile, '--yes']);
      expect(refused.code, hostile).not.toBe(0);
    }
    expect(await onServer(['test', '-f', LIVE])).toBe('');
    expect((await hms(['audit', '--json'])).stdout).toMatch(/"action":\s*"backup\.drop-kept"/);
  });

  it('Given a SQLite backup, When `hms backup pull` runs, Then the laptop has a database file sqlite3 opens, with the rows', async () => {
    const pulled = await hms(['backup', 'pull', 'tobacco', backupId]);
    expect(pulled.code, pulled.stderr).toBe(0);
    const file = path.join(laptop.dir, `tobacco-${backupId}.sqlite3`);
    const bytes = await readFile(file);
    expect(bytes.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\u0000');
    expect(createHash('sha256').update(bytes).digest('hex')).toHaveLength(64);
    await rm(file);
  });
});

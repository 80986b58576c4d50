/**
 * Restores through `hms` as a user runs them, on one bare server: `hms full-deploy` with
 * cigar on PostgreSQL, the sample app deployed from a git host, rows written and read
 * through its site. A restore brings back exactly the rows of the backup while a client
 * loop sees 503 only while the databases are swapped (the hosting site answering all
 * along); the replaced database is kept and can be dropped; hostile names and ids run
 * nothing; a restore and a deploy refuse each other; a restore killed halfway leaves the
 * old database live; one whose app cannot restart after the swap swaps back; a migration that destroys a column is undone by
 * `hms rollback --restore-database`; a corrupted repository refuses the restore before
 * anything changes.
 */
import { describe, expect, it } from 'vitest';
import { backupListSchema, keptDatabaseSchema, restoreResultSchema } from '../../src/api/backups.js';
import { deployResultSchema, lockStatusSchema, rollbackResultSchema } from '../../src/api/deploys.js';
import { testServerSupport } from '../support/test-server.js';
import { waitFor } from '../support/wait-for.js';
import { postgresLaptop } from './postgres-laptop.js';
import { clientLoop, siteRequest } from './site-client.js';

const support = testServerSupport();
const SITE = 'http://cigar.test';
const HOSTING = 'https://hosting.remoteds.us/api/health';
const FLAG = '/var/www/_maintenance/cigar';
const FAKE_PG_RESTORE = '/usr/local/bin/pg_restore';
const ACME_ROOT = '/var/www/_acme';
const DROP_PATH = {
  'db/migrate/20260201000000_remove_path_from_visits.rb':
    'class RemovePathFromVisits < ActiveRecord::Migration[6.1]\n  def change\n    remove_column :visits, :path, :string\n  end\nend\n',
};

type Visit = Record<string, unknown>;

describe.skipIf(!support.ok)('restoring a database backup', { timeout: 1_500_000 }, () => {
  const laptop = postgresLaptop('hms-restore-', { deployable: true });
  const { hms } = laptop;
  const asPostgres = (sql: string, database = 'postgres') =>
    laptop.server.exec(['runuser', '-u', 'postgres', '--', 'psql', '-X', '-tA', '-d', database, '-c', sql]);
  const databases = async () => (await asPostgres('SELECT datname FROM pg_database ORDER BY 1')).stdout.trim().split('\n');
  const visits = async (): Promise<Visit[]> => {
    const answer = await siteRequest(laptop.server.host, `${SITE}/visits`);
    expect(answer.status, answer.body.slice(0, 300)).toBe(200);
    return JSON.parse(answer.body) as Visit[];
  };
  const addVisit = async (path: string) =>
    expect((await siteRequest(laptop.server.host, `${SITE}/visits?path=${path}`, { method: 'POST' })).status).toBe(201);
  const lockOf = async () => lockStatusSchema.parse(JSON.parse((await hms(['lock', 'cigar', '--json'])).stdout)).lock;
  const json = (run: { stdout: string }) => JSON.parse(run.stdout) as unknown;
  let backupId = '';
  let atBackup: Visit[] = [];

  it(
    'Given cigar on PostgreSQL, When `hms full-deploy` and `hms deploy cigar` run on a bare server, ' +
      'Then the sample app serves from PostgreSQL, its first migrations backed up before they ran',
    async () => {
      const full = await hms(['full-deploy', 'test']);
      expect(full.code, full.stderr + full.stdout).toBe(0);
      const deploy = await hms(['deploy', 'cigar', '--json']);
      expect(deploy.code, deploy.stderr + deploy.stdout.slice(-3000)).toBe(0);
      const result = deployResultSchema.parse(json(deploy));
      expect(result.steps.find((s) => s.name === 'backup')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/pre-migration/) });
      for (const path of ['a', 'b', 'c']) await addVisit(path);
      expect((await visits()).map((v) => v.path)).toEqual(['a', 'b', 'c']);
      expect((await asPostgres('SELECT count(*) FROM visits', 'cigar')).stdout.trim()).toBe('3');
    },
  );

  it(
    "Given the timer's backup (drilled) and rows written after it, When `hms restore cigar <id> --yes` runs while a client asks, " +
      'Then the rows are those of the backup, row by row, the replaced database is kept, and the site said 503 only during the swap',
    async () => {
      atBackup = await visits();
      // The nightly backup, as the timer starts it (the timer's own service, run now), and its restore drill.
      const timer = await laptop.server.exec(['systemctl', 'start', 'hms-backup.service'], { timeoutMs: 600_000 });
      expect(timer.code, timer.stderr).toBe(0);
      const scheduled = backupListSchema.parse(json(await hms(['backups', 'cigar', '--json']))).snapshots.at(-1)!;
      expect(scheduled).toMatchObject({ kind: 'scheduled', rows: { visits: 3 }, drill: { ok: true } });
      backupId = scheduled.shortId;
      await addVisit('d');
      await addVisit('e');

      const unasked = await hms(['restore', 'cigar', backupId]);
      expect(unasked.code).not.toBe(0);
      expect(unasked.stderr).toMatch(/no terminal to ask on/);
      expect(unasked.stderr).toMatch(/LIVE ROWS/);
      expect((await visits()).map((v) => v.path)).toEqual(['a', 'b', 'c', 'd', 'e']);

      const loop = clientLoop(laptop.server.host, `${SITE}/visits`);
      const hosting = clientLoop(laptop.server.host, HOSTING);
      const run = await hms(['restore', 'cigar', backupId, '--yes', '--json']);
      const answers = await loop.stop();
      const hostingAnswers = await hosting.stop();
      expect(run.code, run.stderr + run.stdout).toBe(0);
      const result = restoreResultSchema.parse(json(run));
      expect(result).toMatchObject({ ok: true, keptDatabase: expect.stringMatching(/^cigar_before_restore_\d{14}$/) });
      expect(result.safety?.kind).toBe('pre-restore');
      console.log(`[restore] ${result.seconds} s, maintenance ${result.maintenanceSeconds} s, ${answers.length} requests meanwhile`);

      expect(await visits()).toEqual(atBackup);
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
      const first = statuses.indexOf(503);
      const last = statuses.lastIndexOf(503);
      expect(first).toBeGreaterThan(0);
      expect(statuses.slice(first, last + 1).every((s) => s === 503)).toBe(true);
      expect(answers.slice(first, last + 1).every((a) => a.retryAfter === '30')).toBe(true);
      expect(answers.slice(0, first).every((a) => (JSON.parse(a.body) as Visit[]).length === 5)).toBe(true);
      expect(answers.slice(last + 1).every((a) => JSON.stringify(JSON.parse(a.body)) === JSON.stringify(atBackup))).toBe(true);
      expect(answers[last]!.at - answers[first]!.at).toBeLessThanOrEqual((result.maintenanceSeconds! + 1) * 1000);
      expect(hostingAnswers.length).toBeGreaterThan(0);
      expect(hostingAnswers.filter((a) => a.status !== 200)).toEqual([]);

      const listed = await hms(['backups', 'cigar', '--json']);
      const kept = keptDatabaseSchema.array().parse((json(listed) as { kept: unknown }).kept);
      expect(kept.filter((k) => k.kind === 'database').map((k) => k.name)).toEqual([result.keptDatabase]);
      // The uploaded files came back with the rows, the folder they replaced kept beside them.
      expect(result.keptFiles).toMatch(/^shared\/storage\.before_restore_\d{14}$/);
      expect(kept.filter((k) => k.kind === 'files').map((k) => k.name)).toEqual([result.keptFiles]);
      expect((await hms(['backups', 'cigar'])).stdout).toContain(result.keptDatabase!);
      const old = await asPostgres('SELECT path FROM visits ORDER BY id', result.keptDatabase!);
      expect(old.stdout.trim().split('\n')).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(
        (await asPostgres('SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()', 'cigar')).stdout.trim(),
      ).toBe('cigar');
      expect((await hms(['audit', '--json'])).stdout).toMatch(/"action":\s*"backup\.restore\.step"/);
    },
  );

  it('Given hostile or unknown app names and backup ids, When `hms restore` gets them, Then each is refused, nothing run', async () => {
    const before = { databases: await databases(), backups: (await hms(['backups', 'cigar', '--json'])).stdout };
    for (const name of ['../cigar', 'cigar;id', 'unknown', 'cigar%2f..']) {
      const run = await hms(['restore', name, backupId, '--yes']);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/Unknown app/);
    }
    for (const id of ['../../etc/passwd', 'zzzzzzzz', 'deadbeefdeadbeef', '1a2b', `${backupId};id`]) {
      const run = await hms(['restore', 'cigar', id, '--yes']);
      expect(run.code, id).not.toBe(0);
      expect(run.stderr).toMatch(/snapshot id|no backup/i);
    }
    for (const name of ['cigar', '../cigar', 'tobacco_before_restore_20260101000000', 'postgres']) {
      const run = await hms(['backups', 'drop', 'cigar', name, '--yes']);
      expect(run.code, name).not.toBe(0);
    }
    expect(await databases()).toEqual(before.databases);
    expect((await hms(['backups', 'cigar', '--json'])).stdout).toEqual(before.backups);
    expect((await laptop.server.exec(['test', '-e', FLAG])).code).not.toBe(0);
  });

  it(
    'Given a restore stopped halfway (pg_restore hangs), When a deploy or a second restore is asked, and the agent is killed, ' +
      'Then both are refused naming the restore, and the live database is still the old one',
    async () => {
      await addVisit('f');
      const live = await visits();
      // Fault injection on the test server: a pg_restore ahead of Debian's on the agent's PATH that never ends.
      await laptop.server.exec(['sh', '-c', `printf '#!/bin/sh\\nexec sleep 600\\n' > ${FAKE_PG_RESTORE} && chmod 755 ${FAKE_PG_RESTORE}`]);
      const running = hms(['restore', 'cigar', backupId, '--yes', '--json']);
      try {
        await waitFor(
          async () => (await databases()).some((name) => name.startsWith('cigar_restoring_')),
          () => 'the restore to reach pg_restore',
          120_000,
        );
        expect(await lockOf()).toMatchObject({ kind: 'restore', stale: false });
        const deploy = await hms(['deploy', 'cigar']);
        expect(deploy.code).not.toBe(0);
        expect(deploy.stderr).toMatch(/locked by a running restore/);
        const second = await hms(['restore', 'cigar', backupId, '--yes']);
        expect(second.code).not.toBe(0);
        expect(second.stderr).toMatch(/locked by a running restore/);
        expect((await laptop.server.exec(['systemctl', 'kill', '-s', 'KILL', 'hms-agent.service'])).code).toBe(0);
        expect((await running).code).not.toBe(0);
      } finally {
        await laptop.server.exec(['rm', '-f', FAKE_PG_RESTORE]);
      }
      await waitFor(
        async () => (await hms(['lock', 'cigar', '--json'])).code === 0,
        () => 'the agent to be back',
        60_000,
      );
      expect(await lockOf()).toMatchObject({ kind: 'restore', stale: true });
      expect(await visits()).toEqual(live);
      expect((await laptop.server.exec(['test', '-e', FLAG])).code).not.toBe(0);
      expect((await hms(['unlock', 'cigar'])).code).toBe(0);
    },
  );

  it(
    'Given a release whose migration destroys a column, When it deploys (a restore asked meanwhile is refused) ' +
      'and `hms rollback cigar --restore-database` runs, Then the backup taken before the migration gives the column back',
    async () => {
      const before = await visits();
      expect(before.map((v) => v.path)).toEqual(['a', 'b', 'c', 'f']);
      await laptop.gitHost.commit('cigar', DROP_PATH, 'drop path');
      const deploying = hms(['deploy', 'cigar', '--json']);
      await waitFor(
        async () => (await lockOf())?.kind === 'deploy',
        () => 'the deploy to hold the lock',
        120_000,
      );
      const refused = await hms(['restore', 'cigar', backupId, '--yes']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/locked by a running deploy/);
      const deployed = await deploying;
      expect(deployed.code, deployed.stderr + deployed.stdout.slice(-3000)).toBe(0);
      const release = deployResultSchema.parse(json(deployed)).release!;
      expect((await visits()).every((v) => !('path' in v))).toBe(true);
      const list = backupListSchema.parse(json(await hms(['backups', 'cigar', '--json'])));
      expect(list.snapshots.filter((s) => s.kind === 'pre-migration' && s.release === release)).toHaveLength(1);

      const back = await hms(['rollback', 'cigar', '--restore-database', '--yes', '--json']);
      expect(back.code, back.stderr + back.stdout).toBe(0);
      const result = rollbackResultSchema.parse(json(back));
      expect(result.restore).toMatchObject({ ok: true });
      expect(result.from).toBe(release);
      expect(await visits()).toEqual(before);
      // What the killed restore left half-made went with this restore (under the lock, so none was running).
      expect((await databases()).filter((name) => name.startsWith('cigar_restoring_'))).toEqual([]);
    },
  );

  it(
    'Given a pre-migration backup that fails, When a release with a new migration deploys, ' +
      'Then the deploy stops at the backup step, the migration does not run, and the previous release keeps serving',
    async () => {
      const before = await visits();
      // Fault injection: a pg_dump ahead of Debian's on the agent's PATH that fails.
      const fake = '/usr/local/bin/pg_dump';
      await laptop.server.exec(['sh', '-c', `printf '#!/bin/sh\\nexit 3\\n' > ${fake} && chmod 755 ${fake}`]);
      const run = await hms(['deploy', 'cigar', '--json']).finally(() => laptop.server.exec(['rm', '-f', fake]));
      expect(run.code).toBe(1);
      expect(deployResultSchema.parse(json(run))).toMatchObject({ ok: false, failedStep: 'backup' });
      expect(await visits()).toEqual(before);
    },
  );

  it('Given kept databases, When `hms backups drop cigar <name>` runs, Then that one is dropped, asked first and audited', async () => {
    const kept = keptDatabaseSchema.array().parse((json(await hms(['backups', 'cigar', '--json'])) as { kept: unknown }).kept);
    expect(kept.length).toBeGreaterThanOrEqual(2);
    const name = kept[0]!.name;
    const unasked = await hms(['backups', 'drop', 'cigar', name]);
    expect(unasked.code).not.toBe(0);
    expect(await databases()).toContain(name);
    const dropped = await hms(['backups', 'drop', 'cigar', name, '--yes']);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(await databases()).not.toContain(name);
    expect(await databases()).toContain('cigar');
    expect((await hms(['audit', '--json'])).stdout).toMatch(/"action":\s*"backup\.drop-kept"/);
  });

  it(
    'Given an app that cannot be restarted after the swap, When `hms restore` runs, ' +
      'Then the databases are swapped back, it says so, and the rows and databases are those from before',
    async () => {
      const before = { visits: await visits(), databases: await databases() };
      // Fault injection: a systemctl ahead of Debian's on the agent's PATH whose `restart` fails.
      const fake = '/usr/local/bin/systemctl';
      await laptop.server.exec([
        'sh',
        '-c',
        `printf '#!/bin/sh\\n[ "$1" = restart ] && exit 1\\nexec /usr/bin/systemctl "$@"\\n' > ${fake} && chmod 755 ${fake}`,
      ]);
      const run = await hms(['restore', 'cigar', backupId, '--yes', '--json']).finally(() => laptop.server.exec(['rm', '-f', fake]));
      expect(run.code).toBe(1);
      const result = restoreResultSchema.parse(json(run));
      expect(result).toMatchObject({ ok: false, unchanged: true, error: expect.stringMatching(/systemctl restart cigar\.service failed/) });
      expect(result.steps.join('\n')).toMatch(/swapped back: cigar is the database from before again/);
      expect(result.keptDatabase).toBeUndefined();
      expect(await visits()).toEqual(before.visits);
      expect(await databases()).toEqual(before.databases);
      expect((await laptop.server.exec(['test', '-e', FLAG])).code).not.toBe(0);
    },
  );

  it(
    'Given a corrupted restic repository, When `hms restore` runs, Then it is refused before anything changes: ' +
      'the live database, its rows and the kept databases stay as they were',
    async () => {
      const before = { visits: await visits(), databases: await databases() };
      await laptop.server.exec([
        'sh',
        '-c',
        'for f in $(find /var/backups/hms/restic/data -type f); do printf garbage | dd of="$f" bs=1 seek=64 conv=notrunc status=none; done',
      ]);
      const run = await hms(['restore', 'cigar', backupId, '--yes', '--json']);
      expect(run.code).toBe(1);
      const result = restoreResultSchema.parse(json(run));
      expect(result).toMatchObject({ ok: false, unchanged: true });
      expect(result.keptDatabase).toBeUndefined();
      console.log(`[restore] corrupted repository: ${result.error}`);
      expect(await visits()).toEqual(before.visits);
      expect(await databases()).toEqual(before.databases);
      expect((await laptop.server.exec(['test', '-e', FLAG])).code).not.toBe(0);
    },
  );

  it(
    'Given cigar serving from PostgreSQL, When its password is rotated and `hms provision` runs while a client asks the site, ' +
      'Then the role, the env file and the app change, and no request fails',
    async () => {
      const before = await visits();
      const loop = clientLoop(laptop.server.host, `${SITE}/visits`);
      const rotate = await hms(['secrets', 'init', '--rotate', 'database_passwords.cigar']);
      expect(rotate.code, rotate.stderr).toBe(0);
      const run = await hms(['provision', 'test']);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.stderr).toMatch(/role cigar: password \(database_passwords\.cigar differs; cigar restarts if it runs\)/);
      // Requests after the restart too: the app answers with the new password.
      await waitFor(
        () => loop.answers.filter((a) => a.at > Date.now() - 1000).length > 5,
        () => 'answers after the provision',
        30_000,
      );
      const answers = await loop.stop();
      console.log(`[restore] password rotation: ${answers.length} requests during provision and restart`);
      expect(answers.filter((a) => a.status !== 200).map((a) => a.status)).toEqual([]);
      expect(await visits()).toEqual(before);
    },
  );

  it(
    'Given `hms maintenance on cigar --message`, When the site is asked, Then nginx answers 503 with Retry-After and the message ' +
      '(escaped) while the hosting site and the ACME challenges serve; it survives an agent restart; off serves again; all audited',
    async () => {
      const message = 'Moving to <b>new</b> disks & back at 14:00 UTC.';
      const on = await hms(['maintenance', 'on', 'cigar', '--message', message]);
      expect(on.code, on.stderr).toBe(0);
      expect(on.stdout).toMatch(/cigar is in maintenance since .* by .*: "Moving to <b>new<\/b> disks & back at 14:00 UTC\."/);
      const answer = await siteRequest(laptop.server.host, `${SITE}/visits`);
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toBe('30');
      expect(answer.body).toContain('Moving to &lt;b&gt;new&lt;/b&gt; disks &amp; back at 14:00 UTC.');
      expect((await siteRequest(laptop.server.host, `${SITE}/visits`, { method: 'POST' })).status).toBe(503);
      expect((await siteRequest(laptop.server.host, HOSTING)).status).toBe(200);
      // An ACME challenge still reaches its file: certificates renew during maintenance.
      const token = `${ACME_ROOT}/.well-known/acme-challenge/hms-test-token`;
      await laptop.server.exec(['sh', '-c', `mkdir -p ${ACME_ROOT}/.well-known/acme-challenge && echo proof > ${token}`]);
      const challenge = await siteRequest(laptop.server.host, `${SITE}/.well-known/acme-challenge/hms-test-token`);
      expect([challenge.status, challenge.body.trim()]).toEqual([200, 'proof']);
      await laptop.server.exec(['rm', '-f', token]);

      const status = await hms(['status', 'cigar']);
      expect(status.stdout).toMatch(/cigar\s+● active\/running · maintenance/);
      expect((await laptop.server.exec(['systemctl', 'restart', 'hms-agent.service'])).code).toBe(0);
      await waitFor(
        async () => (await hms(['maintenance', 'cigar', '--json'])).code === 0,
        () => 'the agent back',
        30_000,
      );
      expect(json(await hms(['maintenance', 'cigar', '--json']))).toMatchObject({ app: 'cigar', on: true, kind: 'manual', message });

      expect((await hms(['maintenance', 'on', '../etc', '--message', 'x'])).code).not.toBe(0);
      expect((await hms(['maintenance', 'on', 'cigar', '--readonly'])).code).not.toBe(0);
      const off = await hms(['maintenance', 'off', 'cigar']);
      expect(off.code, off.stderr).toBe(0);
      expect(off.stdout).toMatch(/cigar is serving/);
      expect((await siteRequest(laptop.server.host, `${SITE}/visits`)).status).toBe(200);
      expect((await hms(['audit', '--json'])).stdout.match(/"action":\s*"app\.maintenance"/g)).toHaveLength(2);
    },
  );

  it(
    'Given cigar deployed, When `hms exec cigar -- bin/rails runner ...` runs, Then it prints what the app sees in its database ' +
      "and hms exits with the command's code; hostile names, no release and --readonly run nothing; each run is audited",
    async () => {
      const count = (await visits()).length;
      const started = Date.now();
      const run = await hms(['exec', 'cigar', '--', 'bin/rails', 'runner', 'puts Visit.count; puts ENV.fetch("RAILS_ENV")']);
      console.log(`[exec] bin/rails runner in ${Date.now() - started} ms`);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.trim().split('\n')).toEqual([String(count), 'production']);
      const failing = await hms(['exec', 'cigar', '--', 'sh', '-c', 'echo to stderr >&2; exit 3']);
      expect([failing.code, failing.stderr.trim()]).toEqual([3, 'to stderr']);
      const json = JSON.parse((await hms(['exec', 'cigar', '--json', '--', 'id', '-un'])).stdout) as { code: number; stdout: string };
      expect([json.code, json.stdout.trim()]).toEqual([0, 'deploy']);
      const hostile = await hms(['exec', '../etc', '--', 'id']);
      expect(hostile.code).not.toBe(0);
      const notDeployed = await hms(['exec', 'tobacco', '--', 'id']);
      expect(notDeployed.stderr).toMatch(/tobacco has no release to run in yet/);
      expect((await hms(['exec', 'cigar', '--readonly', '--', 'id'])).code).not.toBe(0);
      const option = await hms(['exec', 'cigar', '--', '--version']);
      expect(option.stderr).toMatch(/must not start with "-"/);
      const audit = (await hms(['audit', '--json'])).stdout;
      expect(audit.match(/"action":\s*"app\.exec"/g)?.length).toBeGreaterThanOrEqual(3);
      expect(audit).toMatch(/argv: \[\\"sh\\",\\"-c\\",\\"echo to stderr >&2; exit 3\\"\]; exit 3/);
    },
  );
});

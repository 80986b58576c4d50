/**
 * Scheduled backups on a bare server, through `hms` as a user runs it: `hms full-deploy`
 * installs the backup timers (a second provision changes nothing); the timer's service,
 * started over SSH as the timer starts it, backs up cigar's rows, drills the restore and
 * applies the retention (each kind apart: pre-migration snapshots stay); the weekly check
 * reads a different part each run; `hms status` and `hms doctor` show the backup's age,
 * drill, an overdue backup and a failed one; a full backup file system fails the backup
 * with restic's reason while the snapshot before it still restores.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { backupListSchema, backupOverviewSchema } from '../../src/api/backups.js';
import { testServerSupport } from '../support/test-server.js';
import { waitFor } from '../support/wait-for.js';
import { postgresLaptop } from './postgres-laptop.js';
import { timedAs } from '../support/timed.js';

const support = testServerSupport();
const REPOSITORY = '/var/backups/hms/restic';
const RESTIC = ['restic', '--repo', REPOSITORY, '--password-file', '/etc/hosting-api/restic-local.pass'];
const BACKUPS = { schedule: 'daily', randomizedDelay: '0', keep: { daily: 3, weekly: 0, monthly: 0 }, checkSubsets: 3 };

describe.skipIf(!support.ok)('scheduled backups: the timer, drills, retention, the check', { timeout: 1_200_000 }, () => {
  const laptop = postgresLaptop('hms-backup-schedule-', { server: { backups: BACKUPS } });
  const { hms } = laptop;
  const server = () => laptop.server;
  /** What the timer does, started over SSH as root would start it by hand. */
  const overSsh = async (command: string) => {
    const s = server();
    const args = ['-i', s.identityFile, '-p', String(s.port), '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${s.knownHostsFile}`];
    return promisify(execFile)('ssh', [...args, `root@${s.host}`, command], { timeout: 600_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? 1,
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? '',
      }),
    );
  };
  const { asApp } = laptop;
  const snapshots = async () =>
    JSON.parse((await server().exec([...RESTIC, 'snapshots', '--json'])).stdout) as Array<{ id: string; time: string; tags: string[] }>;
  const overview = async () => {
    const run = await hms(['status', '--json']);
    return { run, backups: backupOverviewSchema.parse(JSON.parse(run.stdout).backups) };
  };
  const timed = timedAs('backup-schedule');

  it(
    'Given servers.test.backups in hms.config.json, When `hms full-deploy` runs on a bare server and `hms provision` again, ' +
      'Then both timers are enabled and armed with the schedule, and the second run changes nothing',
    async () => {
      const run = await timed('full-deploy', () => hms(['full-deploy', 'test']));
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.stderr).toMatch(/● Backups: the timer, restore drills, retention and the weekly check/);
      const timers = await server().exec(['systemctl', 'is-enabled', 'hms-backup.timer', 'hms-backup-check.timer']);
      expect(timers.stdout.trim().split('\n')).toEqual(['enabled', 'enabled']);
      const shown = await server().exec(['systemctl', 'show', '-p', 'TimersCalendar', 'hms-backup-check.timer']);
      expect(shown.stdout).toMatch(/OnCalendar=Sun \*-\*-\* 04:30:00/);
      const again = await timed('second provision', () => hms(['provision', 'test']));
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/every step up to date; nothing changed/);
    },
  );

  it(
    'Given rows written by the app, When hms-backup.service runs (as its timer starts it), ' +
      'Then a scheduled snapshot holds them, its drill passed, and status and doctor show its age and drill',
    async () => {
      const write = await asApp("CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items (name) VALUES ('a'), ('b');");
      expect(write.code, write.stderr).toBe(0);
      const run = await timed('hms-backup.service', () => overSsh('systemctl start hms-backup.service'));
      expect(run.code, run.stderr).toBe(0);
      const journal = await server().exec(['journalctl', '-u', 'hms-backup.service', '-o', 'cat', '--no-pager']);
      // Kept: the dump and the uploaded files' snapshot (shared/storage) taken with it.
      expect(journal.stdout).toMatch(/cigar: ok: backup \w{8} in [\d.]+ s; drill of \w{8} ok in [\d.]+ s; retention: kept 2, forgot 0/);

      const list = backupListSchema.parse(JSON.parse((await hms(['backups', 'cigar', '--json'])).stdout));
      expect(list.snapshots).toHaveLength(1);
      expect(list.snapshots[0]).toMatchObject({ kind: 'scheduled', rows: { items: 2 }, drill: { ok: true } });

      const { run: status, backups } = await overview();
      expect(status.code, status.stderr).toBe(0);
      expect(backups.schedule).toMatchObject({ onCalendar: 'daily', overdueAfterHours: 30 });
      expect(Date.parse(backups.schedule!.next!)).toBeGreaterThan(Date.now());
      expect(backups.apps).toEqual([expect.objectContaining({ app: 'cigar', state: 'ok', drill: expect.objectContaining({ ok: true }) })]);
      expect(backups.apps[0]!.message).toMatch(/^backup \d+s ago \(scheduled\), drill ok$/);
      expect((await hms(['status'])).stdout).toMatch(
        /backups \(daily, next [\d-]+ [\d:]+Z\):\n\s+cigar\s+✓ backup \d+s ago \(scheduled\), drill ok/,
      );
      const doctor = await hms(['doctor', '--json']);
      expect(JSON.parse(doctor.stdout)).toContainEqual(expect.objectContaining({ check: 'backup cigar', level: 'ok' }));
      const audit = JSON.parse((await hms(['audit', '--json'])).stdout).entries as Array<{ actor: string; action: string }>;
      for (const action of ['backup', 'backup.drill', 'backup.forget'])
        expect(audit).toContainEqual(expect.objectContaining({ actor: 'hms-backup.timer', action }));
    },
  );

  it(
    'Given scheduled snapshots of earlier days, a manual one and a pre-migration one 40 days old, When the timer runs, ' +
      'Then keep.daily 3 keeps the newest scheduled of the last 3 days only, and the manual and pre-migration ones stay',
    async () => {
      const day = 86_400_000;
      const stamp = (ago: number) => new Date(Date.now() - ago).toISOString().slice(0, 19).replace('T', ' ');
      const fake = async (kind: string, ago: number) => {
        const tags = ['--tag', 'app:cigar', '--tag', `kind:${kind}`, '--tag', 'part:database', '--time', stamp(ago)];
        const made = await server().exec([...RESTIC, 'backup', '--stdin', '--stdin-filename', 'cigar.dump', ...tags], { input: kind });
        expect(made.code, made.stderr).toBe(0);
      };
      for (const ago of [1, 2, 3, 5]) await fake('scheduled', ago * day);
      await fake('pre-migration', 40 * day);
      expect((await hms(['backup', 'cigar'])).code).toBe(0);
      const before = await snapshots();
      const run = await timed('hms-backup.service with retention', () => overSsh('systemctl start hms-backup.service'));
      expect(run.code, run.stderr).toBe(0);

      const after = await snapshots();
      const dumps = after.filter((s) => s.tags.includes('part:database'));
      const kind = (k: string) => dumps.filter((s) => s.tags.includes(`kind:${k}`)).map((s) => s.time.slice(0, 10));
      const days = [0, 1, 2].map((ago) => new Date(Date.now() - ago * day).toISOString().slice(0, 10));
      expect(kind('scheduled').sort()).toEqual([...days].sort());
      expect(kind('pre-migration')).toHaveLength(1);
      expect(kind('manual')).toHaveLength(1);
      const newest = dumps
        .filter((s) => s.tags.includes('kind:scheduled'))
        .sort((a, b) => a.time.localeCompare(b.time))
        .at(-1)!;
      expect(before.map((s) => s.id)).not.toContain(newest.id);
      const forgot = (await hms(['audit', '--json'])).stdout;
      // The dumps: 3 scheduled, the pre-migration and the manual one kept, 3 forgotten; the files: the newest
      // scheduled and the manual one's kept, this morning's older one forgotten.
      expect(forgot).toMatch(/kept 7, forgot 4 \(daily 3, weekly 0, monthly 0\)/);
      const files = after.filter((s) => s.tags.includes('part:files'));
      expect(files.map((s) => s.tags.find((t) => t.startsWith('kind:'))).sort()).toEqual(['kind:manual', 'kind:scheduled']);
      expect((await server().exec([...RESTIC, 'check'])).code).toBe(0);
    },
  );

  it('Given the weekly check, When its service runs twice, Then each run reads the next third, recorded and shown', async () => {
    for (const subset of ['1/3', '2/3']) {
      const run = await timed(`hms-backup-check.service ${subset}`, () => overSsh('systemctl start hms-backup-check.service'));
      expect(run.code, run.stderr).toBe(0);
      const { backups } = await overview();
      expect(backups.check).toMatchObject({ ok: true, subset });
    }
    const doctor = JSON.parse((await hms(['doctor', '--json'])).stdout);
    expect(doctor).toContainEqual(expect.objectContaining({ check: 'backup repository check', level: 'ok' }));
    expect((await hms(['audit', '--json'])).stdout).toMatch(/"action":\s*"backup\.check"/);
  });

  it(
    'Given an agent whose overdue age is a second, When status and doctor ask, ' +
      'Then the backup is overdue, doctor fails with what to do, and `hms provision` puts the configuration back',
    async () => {
      const edit = await server().exec([
        'sed',
        '-i',
        's/"overdueAfterHours": [0-9.]*/"overdueAfterHours": 0.0003/',
        '/etc/hosting-api/agent.json',
      ]);
      expect(edit.code).toBe(0);
      expect((await server().exec(['systemctl', 'restart', 'hms-agent.service'])).code).toBe(0);
      let last = '';
      await waitFor(
        async () => {
          const { run, backups } = await overview().catch(() => ({ run: { stdout: '' }, backups: undefined }));
          last = run.stdout;
          return backups?.apps[0]?.state === 'overdue';
        },
        () => last,
        60_000,
        500,
      );
      const { backups } = await overview();
      expect(backups.apps[0]!.message).toMatch(/^no backup for \d+[sm] \(schedule: daily\), drill ok$/);
      const doctor = await hms(['doctor']);
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toMatch(/✗ backup cigar\s+overdue: no backup for/);
      expect(doctor.stdout).toMatch(/→ hms backup cigar --drill; then see why the timer did not run/);

      const put = await hms(['provision', 'test']);
      expect(put.code, put.stderr).toBe(0);
      expect(put.stdout + put.stderr).toMatch(/agent\.json: content/);
      await waitFor(
        async () => (await overview().catch(() => undefined))?.backups.apps[0]?.state === 'ok',
        () => 'state ok',
        60_000,
        500,
      );
    },
  );

  it(
    'Given the backup file system full, When the timer runs, Then the backup fails with restic\'s "no space left", no snapshot ' +
      'is added, status shows failed with the reason, and the snapshot before it still restores (its drill passes)',
    async () => {
      // Incompressible rows, so the next dump needs far more room than is left.
      const rows = await asApp(
        'CREATE TABLE blobs (b text); INSERT INTO blobs SELECT md5(random()::text) || md5(random()::text) FROM generate_series(1, 40000)',
      );
      expect(rows.code, rows.stderr).toBe(0);
      // Fault injection on the test server: a 32 MB tmpfs holding a copy of the repository, mounted over it, then filled.
      const small = [
        'mkdir -p /mnt/hms-small',
        'mount -t tmpfs -o size=32m,mode=700 hms-small /mnt/hms-small',
        'cp -a /var/backups/hms/. /mnt/hms-small/',
        'mount --bind /mnt/hms-small /var/backups/hms',
        'avail=$(df --output=avail -B1 /var/backups/hms | tail -1)',
        'fallocate -l $((avail - 262144)) /var/backups/hms/filler',
      ].join(' && ');
      const mounted = await server().exec(['sh', '-c', small]);
      expect(mounted.code, mounted.stderr).toBe(0);
      try {
        const before = (await snapshots()).map((s) => s.id);
        const lastGood = (await overview()).backups.apps[0]!.last!;
        const run = await timed('hms-backup.service on a full disk', () => overSsh('systemctl start hms-backup.service'));
        expect(run.code).not.toBe(0);
        expect((await snapshots()).map((s) => s.id)).toEqual(before);

        const { backups } = await overview();
        const cigar = backups.apps[0]!;
        expect(cigar.state).toBe('failed');
        expect(cigar.failure?.error).toMatch(/no space left on device/);
        expect(cigar.last).toEqual(lastGood);
        expect(cigar.drill).toMatchObject({ ok: true });
        expect(cigar.message).toMatch(/^last backup failed \d+s ago: restic backup failed \(exit \d+\): .*no space left on device/);
        const status = await hms(['status']);
        expect(status.stdout).toMatch(/cigar\s+✗ last backup failed/);
        const doctor = await hms(['doctor', '--json']);
        expect(JSON.parse(doctor.stdout)).toContainEqual(expect.objectContaining({ check: 'backup cigar', level: 'fail' }));
        const journal = await server().exec(['journalctl', '-u', 'hms-backup.service', '-o', 'cat', '--no-pager', '-n', '5']);
        expect(journal.stdout).toMatch(/cigar: FAILED: backup FAILED: .*no space left on device.*; drill of \w{8} ok/);
      } finally {
        await server().exec(['rm', '-f', '/var/backups/hms/filler']);
      }
      // Room again: the next run succeeds and clears the failure.
      const run = await timed('hms-backup.service with room again', () => overSsh('systemctl start hms-backup.service'));
      expect(run.code, run.stderr).toBe(0);
      expect((await overview()).backups.apps[0]).toMatchObject({ state: 'ok', drill: { ok: true } });
      expect((await server().exec([...RESTIC, 'check'])).code).toBe(0);
    },
  );

  it('Given every app with a database, When `hms backup --all --json` runs, Then each is backed up and drilled, exit code 0', async () => {
    const run = await hms(['backup', '--all', '--drill', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const results = JSON.parse(run.stdout) as Array<{ server: string; app: string; ok: boolean }>;
    expect(results).toEqual([
      expect.objectContaining({ server: 'test', app: 'cigar', ok: true, drill: expect.objectContaining({ ok: true }) }),
    ]);
  });
});

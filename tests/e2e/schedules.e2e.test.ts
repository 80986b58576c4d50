/**
 * Scheduled tasks through `hms` alone, as a user runs it, on one bare server:
 * `hms full-deploy` with cigar (the sample app, on SQLite) and its schedules, then
 * `hms deploy cigar`. The timers fire by themselves: `hms schedules --json` shows the
 * counting task's last run ok with a duration and its next run; the failing task is
 * red in `hms schedules` and named by `hms doctor`; `hms schedules run` streams a run
 * and exits with its code; a slow task that does not overlap is never started twice;
 * hostile names and calendars are refused when the config is loaded.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScheduleStatus, schedulesResponseSchema } from '../../src/api/schedules.js';
import { runHms } from '../support/run-hms.js';
import { startTestServer, type TestServer, testServerSupport } from '../support/test-server.js';
import { waitFor } from '../support/wait-for.js';
import { startGitHost, type GitHost } from './git-host.js';
import { laptopFor } from './provision-laptop.js';

const support = testServerSupport();
const RED = '\u001b[31m';

const SCHEDULES = {
  // The sample app's own task (lib/tasks/visits.rake): boots Rails in the release with the app's env and reads its database.
  count: { command: ['bin/rails', 'visits:tally'], when: '*:*:0/5', timeoutSeconds: 120 },
  // Run by hand only (its timer is not due during the suite): its words hold what systemd would expand.
  hello: { command: ['bin/rails', 'runner', 'puts "visits: #{Visit.count} $HOME %h"'], when: 'yearly' },
  broken: { command: ['/bin/sh', '-c', 'echo "failing on purpose" >&2; exit 3'], when: '*:*:0/5' },
  // Runs 6 s, due every 2 s: without overlap a run due while one runs is skipped.
  slow: { command: ['/bin/sh', '-c', 'echo start >> tmp/slow.log; sleep 6; echo end >> tmp/slow.log'], when: '*:*:0/2' },
  // The same with overlap: each run a unit of its own, so a run starts while the last one runs.
  overlapping: {
    command: ['/bin/sh', '-c', 'echo "start $(id -un) $RAILS_ENV" >> tmp/overlap.log; sleep 5; echo end >> tmp/overlap.log'],
    when: '*:*:0/2',
    overlap: true,
  },
};

describe.skipIf(!support.ok)('scheduled tasks: timers that fire, their results in every view, a run now', { timeout: 600_000 }, () => {
  let dir = '';
  let server: TestServer | undefined;
  let gitHost: GitHost | undefined;
  const hms = (args: string[], env: NodeJS.ProcessEnv = {}) => runHms(args, { cwd: dir, env: { HMS_NO_KEYCHAIN: '1', ...env } });
  const configFile = () => path.join(dir, 'hms.config.json');
  const schedules = async (): Promise<ScheduleStatus[]> => {
    const run = await hms(['schedules', 'cigar', '--json']);
    return schedulesResponseSchema.parse(JSON.parse(run.stdout)).schedules;
  };
  const named = (list: ScheduleStatus[], name: string) => list.find((s) => s.name === name)!;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-schedules-'));
    const config = {
      servers: {
        test: { host: '0.0.0.0', identityFile: 'id_ed25519', knownHostsFile: 'known_hosts', packages: ['ruby-rails', 'ruby-sqlite3'] },
      },
      apps: { cigar: { server: 'test', repo: '/srv/git/cigar.git', domain: 'cigar.test', schedules: SCHEDULES } },
    };
    await writeFile(configFile(), JSON.stringify(config, null, 2));
    expect((await hms(['secrets', 'init'])).code).toBe(0);
    server = await startTestServer({ aptCache: true });
    await laptopFor(server, dir);
    gitHost = await startGitHost(server.hostSideAddress);
    await gitHost.create('cigar', {}, 'one');
    const deployable = JSON.parse(await readFile(configFile(), 'utf8'));
    deployable.apps.cigar.repo = gitHost.url('cigar');
    await writeFile(configFile(), JSON.stringify(deployable, null, 2));
  });
  afterAll(async () => {
    await gitHost?.stop();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('Given a bare server, When `hms full-deploy test` and `hms deploy cigar` run, Then each schedule has an armed timer', async () => {
    const full = await hms(['full-deploy', 'test']);
    expect(full.code, full.stderr + full.stdout.slice(-3000)).toBe(0);
    const deploy = await hms(['deploy', 'cigar']);
    expect(deploy.code, deploy.stderr + deploy.stdout.slice(-3000)).toBe(0);
    const timers = await server!.exec([
      'systemctl',
      'is-active',
      ...['count', 'broken', 'slow', 'hello', 'overlapping'].map((n) => `cigar-${n}.timer`),
    ]);
    expect(timers.stdout.trim().split('\n')).toEqual(['active', 'active', 'active', 'active', 'active']);
  });

  it(
    'Given the timers, When they fire by themselves, ' +
      'Then `hms schedules --json` shows count ok with a duration and a next run, and broken failed with exit 3',
    async () => {
      let list: ScheduleStatus[] = [];
      await waitFor(
        async () => {
          list = await schedules();
          return named(list, 'count').result === 'ok' && named(list, 'broken').result === 'failed';
        },
        () => JSON.stringify(list, null, 2),
        // Past count's 120 s timeout: a first run that hangs on a loaded machine is stopped and the next one counts.
        180_000,
        1000,
      ).catch(async (error: Error) => {
        const journal = await server!.exec([
          'sh',
          '-c',
          'uptime; systemctl status --no-pager cigar-count.service; ps -ef | grep -v "\\[" | tail -40',
        ]);
        throw new Error(`${error.message}\n${journal.stdout}${journal.stderr}`);
      });
      const count = named(list, 'count');
      expect(count).toMatchObject({ when: '*:*:0/5', timerActive: true, exitStatus: 0 });
      expect(count.durationMs).toBeGreaterThan(0);
      expect(Date.parse(count.nextRun!)).toBeGreaterThan(Date.parse(count.lastRun!));
      expect(named(list, 'broken')).toMatchObject({ failure: 'exit-code', exitStatus: 3 });
      // Nobody started them: the timer did.
      const triggered = await server!.exec(['systemctl', 'show', '-p', 'LastTriggerUSec', '--value', 'cigar-count.timer']);
      expect(triggered.stdout.trim()).not.toMatch(/^(n\/a)?$/);
    },
  );

  it('Given the failed one, When `hms schedules` and `hms doctor` run, Then its row is red and doctor names it', async () => {
    const table = await hms(['schedules'], { FORCE_COLOR: '1' });
    expect(table.code).toBe(1);
    const lines = table.stdout.split('\n');
    expect(lines.find((l) => l.includes('broken'))).toMatch(/^\u001b\[31mcigar\s+broken\s+\*:\*:0\/5\s+\S+ ago\s+failed \(exit 3\)/);
    expect(lines.find((l) => /cigar\s+count/.test(l))).not.toContain(RED);
    const doctor = await hms(['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/✗ schedule cigar broken\s+cigar broken failed \(exit 3\)/);
    expect(doctor.stdout).toContain('hms logs journal:cigar-broken');
    // What doctor says to run shows the failed run's output.
    const journal = await hms(['logs', 'journal:cigar-broken', '-n', '20']);
    expect(journal.code, journal.stderr).toBe(0);
    expect(journal.stdout).toContain('failing on purpose');
  });

  it('Given `hms schedules run`, When run, Then the output streams and hms exits with the task’s code', async () => {
    const hello = await hms(['schedules', 'run', 'cigar', 'hello']);
    expect(hello.code, hello.stderr).toBe(0);
    // The words reach Ruby as written: systemd expanded neither $HOME nor %h.
    expect(hello.stdout).toContain('visits: 0 $HOME %h');
    expect(named(await schedules(), 'hello')).toMatchObject({ result: 'ok', exitStatus: 0 });
    const broken = await hms(['schedules', 'run', 'cigar', 'broken']);
    expect(broken.code).toBe(3);
    expect(broken.stdout + broken.stderr).toContain('failing on purpose');
    const unknown = await hms(['schedules', 'run', 'cigar', 'nope;reboot']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('Unknown schedule');
    const audit = await hms(['audit', '--json']);
    expect(audit.stdout).toMatch(/schedule\.run[\s\S]*schedule broken: exit 3/);
  });

  it('Given slow (6 s, due every 2 s, no overlap), When its timer fires on, Then a run never starts while one runs', async () => {
    const log = '/var/www/cigar/shared/tmp/slow.log';
    let lines: string[] = [];
    await waitFor(
      async () => {
        lines = (await server!.exec(['cat', log])).stdout.trim().split('\n').filter(Boolean);
        return lines.filter((l) => l === 'start').length >= 2;
      },
      () => lines.join(' '),
      60_000,
      1000,
    );
    // start, end, start, end, ...: each start only after the previous run ended.
    lines.forEach((line, i) => expect(line, lines.join(' ')).toBe(i % 2 === 0 ? 'start' : 'end'));
  });

  it('Given overlapping (5 s, due every 2 s, overlap: true), When its timer fires, Then runs overlap, as deploy with the env', async () => {
    let lines: string[] = [];
    await waitFor(
      async () => {
        lines = (await server!.exec(['cat', '/var/www/cigar/shared/tmp/overlap.log'])).stdout.trim().split('\n').filter(Boolean);
        return lines.filter((l) => l.startsWith('start')).length >= 2;
      },
      () => lines.join(' | '),
      60_000,
      1000,
    );
    // A second run started before the first one ended.
    expect(lines.slice(0, 2)).toEqual(['start deploy production', 'start deploy production']);
  });

  it(
    'Given slow removed from the config, When `hms provision test` runs, ' +
      'Then its timer is stopped and gone, its files are kept aside, and the views no longer list it',
    async () => {
      const config = JSON.parse(await readFile(configFile(), 'utf8'));
      delete config.apps.cigar.schedules.slow;
      delete config.apps.cigar.schedules.overlapping;
      await writeFile(configFile(), JSON.stringify(config, null, 2));
      const provision = await hms(['provision', 'test']);
      expect(provision.code, provision.stderr + provision.stdout.slice(-3000)).toBe(0);
      expect(provision.stdout).toMatch(/2 step\(s\) changed/);
      const state = await server!.exec([
        'systemctl',
        'show',
        '-p',
        'LoadState,ActiveState',
        '--value',
        'cigar-slow.timer',
        'cigar-slow.service',
      ]);
      expect(state.stdout.trim().split('\n').filter(Boolean)).toEqual(['not-found', 'inactive', 'not-found', 'inactive']);
      const kept = await server!.exec(['find', '/var/lib/hms/replaced', '-name', 'cigar-slow.*']);
      expect(
        kept.stdout
          .trim()
          .split('\n')
          .map((f) => path.basename(f))
          .sort(),
      ).toEqual(['cigar-slow.argv', 'cigar-slow.service', 'cigar-slow.timer']);
      expect((await schedules()).map((s) => s.name)).toEqual(['broken', 'count', 'hello']);
    },
  );

  const withSchedules = (schedules: object) => (config: { apps: Record<string, { schedules: object }> }) => {
    config.apps.cigar!.schedules = schedules;
  };
  it.each([
    ['a schedule name with a ";"', withSchedules({ 'x;reboot': { command: ['true'], when: 'hourly' } }), /schedules\.x;reboot/],
    ['a schedule name with a "/"', withSchedules({ '../../etc/evil': { command: ['true'], when: 'hourly' } }), /schedules/],
    [
      'a calendar with a line break',
      withSchedules({ n: { command: ['true'], when: 'daily\nExecStartPre=/bin/evil' } }),
      /schedules\.n\.when/,
    ],
    ['a calendar with a specifier', withSchedules({ n: { command: ['true'], when: '%h' } }), /schedules\.n\.when/],
    [
      'an app name with a space and a ";"',
      (config: { apps: Record<string, unknown> }) => {
        config.apps['cigar; reboot'] = config.apps.cigar;
      },
      /apps\.cigar; reboot/,
    ],
  ])('Given %s in the config, When hms loads it, Then it is refused, naming the key', async (_what, mutate, key) => {
    const good = await readFile(configFile(), 'utf8');
    const bad = JSON.parse(good);
    mutate(bad);
    await writeFile(configFile(), JSON.stringify(bad));
    try {
      const run = await hms(['schedules']);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(key);
    } finally {
      await writeFile(configFile(), good);
    }
  });
});

/**
 * An app with a Sidekiq worker, through `hms` as a user runs it, on one bare server:
 * the config declares Redis, a worker and release tasks; `hms secrets init`,
 * `hms full-deploy` and `hms deploy tobacco` give a site whose requests enqueue jobs
 * that the worker performs (seen in the database). A deploy while a long job runs
 * quiets the worker, restarts it, and the job is performed all the same (re-queued by
 * Sidekiq's shutdown, never lost); a release whose worker cannot boot fails the
 * deploy at `workers` and is rolled back with its workers while the previous release
 * keeps serving. Workers are listed under their app, restarted by name, and their
 * journals read as logs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appsResponseSchema } from '../../src/api/apps.js';
import { waitFor } from '../support/wait-for.js';
import { testServerSupport } from '../support/test-server.js';
import { postgresLaptop } from './postgres-laptop.js';
import { siteRequest } from './site-client.js';

const support = testServerSupport();
const SITE = 'http://tobacco.test';
/** Words systemd would otherwise read as its own ($, %, quotes, backslash): the worker must get them verbatim. */
const ODD_WORDS = ['100%', '$HOME', 'a "b" \\c'];

describe.skipIf(!support.ok)('an app with workers: Sidekiq jobs, deploys that keep them, workers that fail', { timeout: 1_200_000 }, () => {
  const laptop = postgresLaptop('hms-workers-', { deployable: true });
  const { hms } = laptop;
  const visits = async (): Promise<string[]> => {
    const answer = await siteRequest(laptop.server.host, `${SITE}/visits`);
    expect(answer.status, answer.body.slice(0, 300)).toBe(200);
    return (JSON.parse(answer.body) as Array<{ path: string }>).map((visit) => visit.path);
  };
  const enqueue = async (what: string) => {
    const answer = await siteRequest(laptop.server.host, `${SITE}/jobs?${what}`, { method: 'POST' });
    expect(answer.status, answer.body.slice(0, 300)).toBe(202);
  };
  const status = async () => appsResponseSchema.parse(JSON.parse((await hms(['status', 'tobacco', '--json'])).stdout));
  const journal = async (unit: string, grep: string) => (await hms(['logs', `journal:${unit}`, '-n', '50', '--grep', grep])).stdout;

  beforeAll(async () => {
    await laptop.gitHost.create('tobacco', {}, 'one');
    const file = path.join(laptop.dir, 'hms.config.json');
    const config = JSON.parse(await readFile(file, 'utf8'));
    delete config.apps.cigar;
    config.servers.test.packages = ['ruby-rails', 'ruby-sqlite3', 'ruby-sidekiq'];
    config.apps.tobacco = {
      ...config.apps.tobacco,
      repo: laptop.gitHost.url('tobacco'),
      redis: true,
      processes: {
        // -t 3: Sidekiq waits 3 s for running jobs at shutdown, then pushes them back to Redis.
        worker: ['bundle', 'exec', 'sidekiq', '-c', '2', '-t', '3'],
        echo: { command: ['ruby', '-e', 'puts ARGV.inspect; STDOUT.flush; sleep', ...ODD_WORDS], settleSeconds: 2 },
      },
      releaseTasks: [
        { name: 'seed', command: ['bin/rails', 'runner', 'Visit.create!(path: "seeded")'], when: 'first-deploy' },
        { name: 'count', command: ['bin/rails', 'runner', 'puts "visits before the switch: #{Visit.count}"'] },
      ],
    };
    await writeFile(file, JSON.stringify(config, null, 2));
    // The Redis password is made for the app that now declares Redis.
    expect((await hms(['secrets', 'init'])).code).toBe(0);
  });

  it(
    'Given tobacco with Redis, a Sidekiq worker and release tasks, When `hms full-deploy` and `hms deploy tobacco` run on a bare server, ' +
      'Then the worker runs under its app, the first-deploy task ran once, and a request enqueues a job the worker performs',
    async () => {
      const full = await hms(['full-deploy', 'test']);
      expect(full.code, full.stderr + full.stdout.slice(-3000)).toBe(0);
      const deploy = await hms(['deploy', 'tobacco']);
      expect(deploy.code, deploy.stderr + deploy.stdout.slice(-3000)).toBe(0);
      expect(deploy.stdout).toMatch(/visits before the switch: 1/);
      expect(deploy.stdout).toMatch(/workers .*(echo, worker|worker, echo) up on/);

      const units = (await status()).apps;
      expect(units.map((unit) => [unit.name, unit.kind, unit.state.activeState])).toEqual([
        ['tobacco', 'app', 'active'],
        ['tobacco-echo', 'worker', 'active'],
        ['tobacco-worker', 'worker', 'active'],
      ]);
      expect(units[2]).toMatchObject({ app: 'tobacco', process: 'worker' });
      expect((await hms(['status', 'tobacco'])).stdout).toMatch(/└ tobacco-worker/);
      expect(await journal('tobacco-echo', '100%')).toContain(JSON.stringify(ODD_WORDS).replace(/,/g, ', '));

      expect(await visits()).toEqual(['seeded']);
      await enqueue('path=job-1');
      await waitFor(
        async () => (await visits()).includes('job-1'),
        () => 'the worker to perform job-1',
        60_000,
        250,
      );
    },
  );

  it(
    'Given a job that runs longer than Sidekiq waits at shutdown, When tobacco is deployed meanwhile, ' +
      'Then the worker is quieted and restarted, the job is pushed back and performed once by the new worker; the seed does not run again',
    async () => {
      // The job's first run sleeps 90 s (the deploy stops it long before); run again, it does not sleep.
      await enqueue('path=long&sleep=90');
      await waitFor(
        async () => (await visits()).includes('long:started'),
        () => 'the long job to start',
        60_000,
        250,
      );
      await laptop.gitHost.commit(
        'tobacco',
        { 'config/initializers/release.rb': "SAMPLE_RELEASE = 'two'\nSAMPLE_HEALTHY = true\n" },
        'two',
      );
      const deploy = await hms(['deploy', 'tobacco']);
      expect(deploy.code, deploy.stderr + deploy.stdout.slice(-3000)).toBe(0);
      expect(deploy.stdout).toMatch(/told to go quiet \(TSTP\)/);
      expect(await journal('tobacco-worker', 'back to Redis')).toMatch(/Pushed 1 jobs back to Redis/);
      await waitFor(
        async () => (await visits()).includes('long'),
        () => 'the re-queued job to be performed',
        60_000,
        250,
      );
      expect((await visits()).filter((p) => p.startsWith('long'))).toEqual(['long:started', 'long']);
      expect((await visits()).filter((p) => p === 'seeded')).toEqual(['seeded']);
    },
  );

  it(
    'Given a release whose worker cannot boot, When deployed, ' +
      'Then the deploy fails at workers, is rolled back with its workers, and the previous release keeps serving and working',
    async () => {
      const before = (await status()).apps.find((unit) => unit.name === 'tobacco')!.currentRelease;
      await laptop.gitHost.commit(
        'tobacco',
        {
          'config/initializers/release.rb': "SAMPLE_RELEASE = 'three'\nSAMPLE_HEALTHY = true\n",
          'config/initializers/worker_boot.rb': "raise 'this worker cannot boot' if defined?(Sidekiq::CLI)\n",
        },
        'a worker that cannot boot',
      );
      const deploy = await hms(['deploy', 'tobacco']);
      expect(deploy.code).not.toBe(0);
      expect(deploy.stdout + deploy.stderr).toMatch(/tobacco-worker\.service did not come up/);
      expect(deploy.stdout + deploy.stderr).toMatch(/rolled back/);
      const after = (await status()).apps;
      expect(after.find((unit) => unit.name === 'tobacco')!.currentRelease).toBe(before);
      expect(after.map((unit) => unit.state.activeState)).toEqual(['active', 'active', 'active']);
      expect((await siteRequest(laptop.server.host, `${SITE}/`)).body).toContain('two');
      await enqueue('path=after-rollback');
      await waitFor(
        async () => (await visits()).includes('after-rollback'),
        () => 'the rolled-back worker to perform a job',
        60_000,
        250,
      );
    },
  );

  it('Given a worker, When restarted by name, Then it comes back with a new process and its app is untouched', async () => {
    const pidOf = async (name: string) => (await status()).apps.find((unit) => unit.name === name)!.state.mainPid;
    const [web, worker] = [await pidOf('tobacco'), await pidOf('tobacco-worker')];
    const restart = await hms(['restart', 'tobacco-worker', '--yes']);
    expect(restart.code, restart.stderr).toBe(0);
    expect(await pidOf('tobacco-worker')).not.toBe(worker);
    expect(await pidOf('tobacco')).toBe(web);
  });

  it(
    'Given a process removed from the config, When `hms provision` runs, ' +
      'Then its unit is stopped and disabled, its file kept aside, and the other worker keeps running',
    async () => {
      const file = path.join(laptop.dir, 'hms.config.json');
      const config = JSON.parse(await readFile(file, 'utf8'));
      delete config.apps.tobacco.processes.echo;
      await writeFile(file, JSON.stringify(config, null, 2));
      const dry = await hms(['provision', 'test', '--dry-run']);
      expect(dry.stdout + dry.stderr).toMatch(/tobacco-echo\.service: no longer configured: stop, disable, keep its files aside/);
      const run = await hms(['provision', 'test']);
      expect(run.code, run.stderr + run.stdout.slice(-2000)).toBe(0);
      const state = await laptop.server.exec(['systemctl', 'is-active', 'tobacco-echo.service']);
      expect(state.stdout.trim()).toBe('inactive');
      const kept = await laptop.server.exec(['sh', '-c', 'ls /var/lib/hms/replaced/*/etc/systemd/system/']);
      expect(kept.stdout).toContain('tobacco-echo.service');
      expect((await status()).apps.map((unit) => [unit.name, unit.state.activeState])).toEqual([
        ['tobacco', 'active'],
        ['tobacco-worker', 'active'],
      ]);
    },
  );
});

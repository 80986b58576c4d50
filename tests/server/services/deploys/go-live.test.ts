/**
 * The health gate, automatic rollback, client cancellation and `rollback`, through
 * the services with a short health deadline. Same host target as the route tests:
 * git and files for real, bundler/rake/systemd played (see host-target.ts); the e2e
 * suite runs these on a Debian server with real puma behind nginx.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDeploy, runDeploy } from '../../../../server/services/deploys/deploy.js';
import { rollbackApp } from '../../../../server/services/deploys/rollback.js';
import { collectDeploy } from '../../../../server/services/deploys/stream.js';
import { testAgent, type TestAgent } from '../../../support/agent.js';
import { hostTarget, type HostTarget } from '../../../support/host-target.js';

let target: HostTarget;
let agent: TestAgent;

beforeEach(async () => {
  target = await hostTarget();
  agent = await testAgent({ config: target.config, exec: target.exec });
});
afterEach(async () => {
  await target.stop();
});

async function deploy(ref?: string, options: { signal?: AbortSignal } = {}) {
  const prepared = await prepareDeploy({ deps: agent.deps, name: 'cigar', actor: 'alice', ref, skipTests: false });
  return collectDeploy(prepared, { healthDeadlineMs: 1500, ...options });
}
const NO_BOOT = { 'config.ru': "require_relative 'config/environment'\nraise 'this release does not boot'\n" };
const UNHEALTHY = { 'config/initializers/release.rb': "SAMPLE_RELEASE = 'sick'\nSAMPLE_HEALTHY = false\n" };
const lockFile = () => path.join(agent.deps.config.stateDir, 'locks', 'cigar.json');

describe('the health gate', () => {
  it.each([
    ['does not boot (puma keeps an old worker, so /up still answers 200)', NO_BOOT, /processes: 1 in \d{14}/],
    ['boots but answers /up with 503', UNHEALTHY, /HTTP 503/],
  ])('Given a release that %s, When deployed, Then it is rolled back and the previous release serves again', async (_, files, why) => {
    const first = await deploy();
    await target.commit(files, 'broken', 'broken');
    const result = await deploy('broken');
    expect(result).toMatchObject({ ok: false, rolledBack: true, failedStep: 'health' });
    expect(result.error).toMatch(why);
    expect(result.error).toContain(`rolled back to ${first.release}`);
    expect(result.steps.map((s) => `${s.name}:${s.status}`)).toEqual(expect.arrayContaining(['health:failed', 'rollback:ok', 'record:ok']));
    expect(target.serving()).toBe(first.release);
    const record = JSON.parse(await readFile(path.join(target.root, 'releases', result.release!, 'release.json'), 'utf8'));
    expect(record).toMatchObject({ status: 'failed', health: { ok: false }, previous: first.release });
    expect(existsSync(lockFile())).toBe(false);
    const [entry] = await agent.deps.audit.recent(1);
    expect(entry).toMatchObject({ actor: 'alice', action: 'deploy', result: 'failed' });
    expect(entry!.detail).toContain(`rolled back to ${first.release}`);
  });

  it(
    'Given a first deploy that is not healthy, When deployed, ' +
      'Then its unit is stopped (nothing to roll back to) and the error quotes the journal',
    async () => {
      await target.commit(UNHEALTHY, 'sick');
      const result = await deploy();
      expect(result).toMatchObject({ ok: false, rolledBack: false, failedStep: 'health' });
      expect(result.steps.find((s) => s.name === 'rollback')).toMatchObject({
        status: 'ok',
        detail: 'cigar.service stopped: nothing to go back to',
      });
      expect(result.error).toContain(
        'no previous release to go back to: cigar.service stopped; its journal ends: RuntimeError: this release is not healthy',
      );
      expect(target.calls).toContainEqual(['systemctl', 'stop', '--', 'cigar.service', 'cigar.socket']);
      expect(target.serving()).toBeNull();
    },
  );
});

describe('the web command and the kind of restart', () => {
  const LOCK = (gems: string) => `GEM\n  remote: https://rubygems.org/\n  specs:\n${gems}\nDEPENDENCIES\n  rails\n`;
  const restartStep = (result: Awaited<ReturnType<typeof deploy>>) => result.steps.find((s) => s.name === 'restart')?.detail;

  it(
    'Given a release whose Gemfile.lock adds a gem, ' +
      'When deployed over a master that kept its bundle, Then a full restart, said in the step',
    async () => {
      await target.commit({ 'Gemfile.lock': LOCK('    puma (5.6.5)\n    rails (6.1.7)\n') }, 'one');
      const first = await deploy();
      expect(first.ok).toBe(true);
      expect(await readFile(path.join(target.root, 'shared/config/web-command'), 'utf8')).toBe(
        `/usr/bin/bundle\nexec\npuma\n-C\n${target.root}/shared/config/puma.rb\n`,
      );
      const same = await deploy();
      expect(restartStep(same)).toBe('cigar.service: phased restart (systemctl reload)');
      await target.commit({ 'Gemfile.lock': LOCK('    puma (5.6.5)\n    rack-test (1.1.0)\n    rails (6.1.7)\n') }, 'gems');
      const gems = await deploy();
      expect(gems.ok).toBe(true);
      expect(restartStep(gems)).toBe('cigar.service: Gemfile.lock changed and this puma cannot prune its bundle: full restart');
      expect(target.calls.filter((argv) => argv[1] === 'restart')).toEqual([['systemctl', 'restart', '--', 'cigar.service']]);
    },
  );

  it(
    'Given a release whose bundle has no puma, When deployed, ' +
      'Then the system puma is written as its command and the switch is a full restart',
    async () => {
      await target.commit({ 'Gemfile.lock': LOCK('    puma (5.6.5)\n    rails (6.1.7)\n') }, 'one');
      await deploy();
      await target.commit({ 'Gemfile.lock': LOCK('    rails (6.1.7)\n') }, 'no puma');
      const result = await deploy();
      expect(result.ok).toBe(true);
      expect(await readFile(path.join(target.root, 'shared/config/web-command'), 'utf8')).toBe(
        `/usr/bin/puma\n-C\n${target.root}/shared/config/puma.rb\n`,
      );
      expect(restartStep(result)).toMatch(
        /^cigar\.service: the web command changes \(\/usr\/bin\/bundle exec puma .* -> \/usr\/bin\/puma .*\): full restart$/,
      );
    },
  );
});

describe('cancellation', () => {
  it(
    'Given the client goes away during the build, When the deploy notices, ' +
      'Then it stops before the switch, removes the release and releases the lock',
    async () => {
      const first = await deploy();
      const stop = new AbortController();
      const prepared = await prepareDeploy({ deps: agent.deps, name: 'cigar', actor: 'alice', skipTests: false });
      const cancelled = await runDeploy(prepared, {
        healthDeadlineMs: 1500,
        signal: stop.signal,
        reporter: {
          step: (event) => {
            if (event.name === 'bundle' && event.status === 'start') stop.abort();
          },
          output: () => undefined,
        },
      });
      expect(cancelled).toMatchObject({ ok: false, rolledBack: false });
      expect(cancelled.error).toMatch(/client went away/);
      expect(await readdir(path.join(target.root, 'releases'))).toEqual([first.release]);
      expect(target.serving()).toBe(first.release);
      expect(existsSync(lockFile())).toBe(false);
    },
  );
});

describe('rollback', () => {
  it(
    'Given two releases, When rolled back, ' +
      'Then the previous one serves, healthy, and the answer warns that the database keeps the newer migration',
    async () => {
      const first = await deploy();
      await target.commit({ 'db/migrate/20260102000000_add_note_to_visits.rb': 'class AddNote; end\n' }, 'two');
      const second = await deploy();
      const result = await rollbackApp({ deps: agent.deps, name: 'cigar', actor: 'bob', reason: 'slow pages', healthDeadlineMs: 1500 });
      expect(result).toMatchObject({ ok: true, from: second.release, to: first.release, revertedTo: null, health: { ok: true } });
      expect(result.warnings).toEqual([
        expect.stringMatching(
          new RegExp(
            [
              String.raw`The database keeps 1 migration\(s\) that \d{14} does not know: `,
              String.raw`20260102000000_add_note_to_visits\.rb\. The database is not rolled back`,
            ].join(''),
          ),
        ),
      ]);
      expect(result.steps.map((s) => s.name)).toEqual(['switch', 'restart', 'health', 'workers']);
      expect(target.serving()).toBe(first.release);
      expect((await agent.deps.audit.recent(1))[0]).toMatchObject({
        actor: 'bob',
        action: 'rollback',
        result: 'ok',
        detail: expect.stringContaining('reason: slow pages'),
      });

      const forward = await rollbackApp({
        deps: agent.deps,
        name: 'cigar',
        actor: 'bob',
        release: second.release!,
        healthDeadlineMs: 1500,
      });
      expect(forward).toMatchObject({ ok: true, to: second.release });
      expect(forward.warnings[0]).toMatch(/has 1 migration\(s\) that \d{14} does not: .*A rollback does not run migrations/);
    },
  );

  it('Given a target that is not healthy, When rolled back to, Then current goes back to where it was', async () => {
    await target.commit(UNHEALTHY, 'sick', 'sick');
    const sick = await deploy('sick');
    expect(sick.rolledBack).toBe(false);
    const good = await deploy();
    const result = await rollbackApp({ deps: agent.deps, name: 'cigar', actor: 'bob', release: sick.release!, healthDeadlineMs: 1500 });
    expect(result).toMatchObject({ ok: false, to: sick.release, revertedTo: good.release });
    expect(target.serving()).toBe(good.release);
  });

  it.each([
    ['an unknown release', '20200101000000', 404, /There is no release 20200101000000/],
    ['the current release', 'current', 409, /already the current release/],
  ])('Given %s, When rolled back to, Then it is refused and audited', async (_, which, status, message) => {
    const only = await deploy();
    const release = which === 'current' ? only.release! : which;
    const error = await rollbackApp({ deps: agent.deps, name: 'cigar', actor: 'bob', release }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status, message: expect.stringMatching(message) });
    expect((await agent.deps.audit.recent(1))[0]).toMatchObject({ action: 'rollback', result: 'refused' });
    expect(existsSync(lockFile())).toBe(false);
  });

  it('Given only one release, When rolled back, Then 409 says there is nothing earlier', async () => {
    await deploy();
    await expect(rollbackApp({ deps: agent.deps, name: 'cigar', actor: 'bob' })).rejects.toMatchObject({ status: 409 });
  });
});

/**
 * `hms deploy`, `releases`, `rollback`, `lock`, `unlock` against a real agent on
 * loopback (HTTP, SSE, files and git for real; the server's bundler, rake and
 * systemd played as in tests/support/host-target.ts), and the app's tests run
 * for real in a temp checkout.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployResultSchema } from '../../src/api/deploys.js';
import { AgentError } from '../../src/client/http.js';
import { deployCommand, lockCommand, releasesCommand, rollbackCommand, unlockCommand } from '../../src/commands/deploy.js';
import { appSchema, type Config } from '../../src/config/schema.js';
import { TEST_TOKEN } from '../support/agent.js';
import { servedAgent, type ServedAgent } from '../support/served-agent.js';
import { hostTarget, type HostTarget } from '../support/host-target.js';
import { testContext, type TestContextOptions } from '../support/test-context.js';

let target: HostTarget;
let served: ServedAgent;
let checkout: string;

beforeEach(async () => {
  target = await hostTarget();
  served = await servedAgent({ config: target.config, exec: target.exec });
  checkout = await mkdtemp(path.join(tmpdir(), 'hms-checkout-'));
});
afterEach(async () => {
  await served.dispose();
  await target.stop();
});

/** A context for the served agent; `tests` configures the app's checkout and test command. */
function context(options: TestContextOptions & { tests?: string[] } = {}) {
  const app = appSchema.parse({
    server: 'test',
    repo: target.repo,
    branch: 'main',
    domain: 'cigar.test',
    healthPath: '/up',
    ...(options.tests ? { checkout, testCommand: options.tests } : {}),
  });
  const config: Config = { ...served.config, apps: { cigar: app } };
  return testContext({ ...options, config, flags: { via: 'https', ...options.flags }, env: { HMS_TOKEN: TEST_TOKEN, ...options.env } });
}

const audit = () => served.agent.deps.audit.recent(5);

describe('hms deploy', () => {
  it(
    'Given an app, When deployed, ' + 'Then each step streams with its timing and command output, and it ends naming the live release',
    async () => {
      const ctx = context({ args: ['cigar'] });
      const output = await deployCommand.run(ctx);
      expect(output.exitCode ?? 0).toBe(0);
      expect(output.human).toMatch(/^Deployed cigar: release \d{14} \([0-9a-f]{12}\) is live in \d+\.\d s\.$/);
      const shown = ctx.stdout.text;
      for (const step of ['lock', 'check', 'fetch', 'link', 'bundle', 'assets', 'migrate', 'switch', 'restart', 'health', 'record']) {
        expect(shown).toMatch(new RegExp(`^▸ ${step}$`, 'm'));
        expect(shown).toMatch(new RegExp(`^✓ ${step}\\s+\\d+\\.\\d s`, 'm'));
      }
      expect(shown).toMatch(/^– prune\s+\d+\.\d s {2}1 releases, 3 kept: nothing to remove$/m);
      expect(shown).toMatch(/^ {2}│ deploy\$ git clone --depth 1 --branch main -- file:\/\//m);
      expect(ctx.notes.join('\n')).toContain('no checkout and testCommand configured for cigar');
    },
  );

  it(
    "Given the app's tests fail in its checkout, When deployed, " +
      'Then their output shows, nothing is deployed and the error says how to go on',
    async () => {
      const ctx = context({ args: ['cigar'], tests: ['sh', '-c', 'echo "1 example, 1 failure"; exit 1'] });
      const error = await deployCommand.run(ctx).catch((e: unknown) => e);
      expect(error).toMatchObject({
        message: expect.stringMatching(/^The tests of cigar failed \(exit 1 after \d+\.\d s\); nothing was deployed\.$/),
        exitCode: 1,
      });
      expect((error as Error & { hint: string }).hint).toContain('hms deploy cigar --skip-tests');
      expect(ctx.stdout.text).toContain('1 example, 1 failure');
      expect(target.calls).toEqual([]);
      expect(await audit()).toEqual([]);
    },
  );

  it(
    'Given failing tests and --skip-tests, When deployed, ' +
      'Then the tests are not run, the deploy goes on and the audit log records the skip',
    async () => {
      const ctx = context({ args: ['cigar'], tests: ['sh', '-c', 'exit 1'], flags: { skipTests: true, reason: 'hotfix' } });
      await deployCommand.run(ctx);
      expect(ctx.notes.join('\n')).toContain('--skip-tests: not running `sh -c exit 1`');
      expect((await audit())[0]).toMatchObject({
        action: 'deploy',
        result: 'ok',
        detail: expect.stringContaining('tests skipped (--skip-tests); reason: hotfix'),
      });
    },
  );

  it('Given passing tests, When deployed, Then they run in the checkout first', async () => {
    const ctx = context({ args: ['cigar'], tests: ['sh', '-c', 'pwd; echo all green'] });
    await deployCommand.run(ctx);
    expect(ctx.stdout.text).toContain(`${checkout}\nall green\n`);
    expect(ctx.notes.join('\n')).toMatch(/tests passed in \d+\.\d s/);
  });

  it(
    'Given a ref whose Gemfile cannot be installed, When deployed, ' + 'Then it exits 1 naming the step, the reason and what to do next',
    async () => {
      await deployCommand.run(context({ args: ['cigar'] }));
      await target.commit({ Gemfile: "gem 'hms-no-such-gem'\n" }, 'broken', 'broken');
      const ctx = context({ args: ['cigar'], flags: { ref: 'broken' } });
      const error = await deployCommand.run(ctx).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /^The deploy of cigar failed at bundle in \d+\.\d s: `bundle install --jobs 4` exited with 17: Could not reach host/,
      );
      expect((error as Error).message).toMatch(/\d{14} keeps serving$/);
      expect((error as Error & { hint: string }).hint).toMatch(/commit Gemfile\.lock.*See `hms logs cigar` and `hms releases cigar`/);
      expect(ctx.stdout.text).toMatch(/^✗ bundle\s+\d+\.\d s/m);
    },
  );

  it('Given --json, When deployed, Then it still streams (no request timeout) but prints one result in the contract', async () => {
    const ctx = context({ args: ['cigar'], flags: { json: true } });
    const output = await deployCommand.run(ctx);
    const result = deployResultSchema.parse(output.data);
    expect(result).toMatchObject({ ok: true, release: expect.stringMatching(/^\d{14}$/) });
    expect(result.steps.map((s) => s.name)).toContain('health');
    expect(result.output).toContain('deploy$ git clone');
    expect(ctx.stdout.text).toBe('');
  });
});

describe('hms releases, rollback, lock, unlock', () => {
  it(
    'Given two deploys, When listed and rolled back, ' + 'Then the table marks current, and the rollback warns about the database',
    async () => {
      await deployCommand.run(context({ args: ['cigar'] }));
      await target.commit({ 'db/migrate/20260102000000_add_note.rb': 'class AddNote; end\n' }, 'two');
      await deployCommand.run(context({ args: ['cigar'] }));

      const listed = await releasesCommand.run(context({ args: ['cigar'] }));
      const lines = listed.human.split('\n');
      expect(lines[0]).toMatch(/^RELEASE\s+SHA\s+REF\s+DEPLOYED\s+BY\s+HEALTH\s+MIGRATIONS$/);
      expect(lines[2]).toMatch(/^→ \d{14}\s+[0-9a-f]{12}\s+main\s+\S+ \S+\s+\S+@\S+ \(api-token\)\s+ok 200\s+2$/);
      expect(lines[3]).toMatch(/^ {2}\d{14}\s+.*\s+1$/);

      const refused = context({ args: ['cigar'], answers: [false] });
      expect(await rollbackCommand.run(refused)).toMatchObject({ human: 'Nothing done.', exitCode: 1 });
      expect(refused.questions).toEqual([expect.stringMatching(/^Roll cigar on test back to the previous release\?$/)]);

      const rolled = await rollbackCommand.run(context({ args: ['cigar'], flags: { yes: true } }));
      expect(rolled.human).toMatch(
        /^warning: The database keeps 1 migration\(s\) that \d{14} does not know: 20260102000000_add_note\.rb\./,
      );
      expect(rolled.human).toMatch(/\ncigar: \d{14} is live again \(was \d{14}\), healthy, in \d+\.\d s\.$/);
    },
  );

  it(
    'Given `hms lock` with a reason, When someone deploys, ' +
      'Then they are refused with who, why and the unlock hint; `hms unlock` lets them in',
    async () => {
      const locked = await lockCommand.run(context({ args: ['cigar'], flags: { reason: 'migrating by hand' } }));
      expect(locked.human).toMatch(/^cigar is locked by \S+@\S+ \(api-token\) since \S+ \(manual; reason: migrating by hand\)\.$/);
      expect((await lockCommand.run(context({ args: ['cigar'] }))).human).toBe(locked.human);

      const error = await deployCommand.run(context({ args: ['cigar'] })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AgentError);
      expect(error).toMatchObject({
        status: 423,
        message: expect.stringContaining('(reason: migrating by hand)'),
        hint: 'Wait, or run `hms unlock cigar`.',
      });

      const unlocked = await unlockCommand.run(context({ args: ['cigar'] }));
      expect(unlocked.human).toMatch(/^cigar unlocked \(was: locked by \S+@\S+ \(api-token\)/);
      expect((await lockCommand.run(context({ args: ['cigar'] }))).human).toBe('cigar is not locked.');
    },
  );

  it('Given no app, When any of them runs, Then it is a usage error', async () => {
    for (const command of [deployCommand, releasesCommand, rollbackCommand, lockCommand, unlockCommand]) {
      await expect(command.run(context())).rejects.toMatchObject({ exitCode: 2 });
    }
  });
});

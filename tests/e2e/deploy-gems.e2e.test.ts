/**
 * What starts puma, release by release, on the disposable Debian server (the same
 * set-up as deploy.e2e.test.ts: the sample Rails app, Debian's puma 5.6.5, the units
 * and launcher as provisioning writes them): a first release that cannot start is
 * stopped, not left restarting; a bundle without puma runs on the system's puma; a
 * release with other gems gets a full restart, with the socket held by systemd,
 * counted under load through nginx; a short SHA deploys the commit it names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServerSupport } from '../support/test-server.js';
import { startDeployContext, type DeployContext } from './deploy-context.js';
import { CHANGES, commitChange, must, ROOT } from './deploy-server.js';
import { startLoad, type LoadReport } from './page-load.js';

const support = testServerSupport();

const GEMFILE = (gems: string[]) =>
  `source 'https://rubygems.org'\n\ngem 'rails', '~> 6.1.0'\ngem 'sqlite3'\n${gems.map((gem) => `gem '${gem}'\n`).join('')}`;
const RELEASE_RB = (name: string) => `SAMPLE_RELEASE = '${name}'\nSAMPLE_HEALTHY = true\n`;

describe.skipIf(!support.ok)('the web command of each release, on a real server', { timeout: 300_000 }, () => {
  let ctx: DeployContext;
  const unit = async () => {
    const text = await must(ctx.server, ['systemctl', 'show', '-p', 'ActiveState,SubState,NRestarts', 'cigar.service']);
    return Object.fromEntries(
      text
        .trim()
        .split('\n')
        .map((line) => line.split('=') as [string, string]),
    );
  };
  const shownRelease = async () => /sample release (\w+)/.exec((await ctx.page()).body)?.[1];
  const webCommand = () => must(ctx.server, ['cat', `${ROOT}/shared/config/web-command`]);
  const underLoad = async (args: string[]) => {
    // Requests wait while puma boots: as long as nginx would wait (proxy_read_timeout 60 s).
    const load = startLoad({ host: ctx.server.host, site: 'cigar.test', clients: 8, timeoutMs: 60_000 });
    const run = await ctx.hms(args);
    const report = await load.stop();
    return { run, report };
  };
  const loadLine = (report: LoadReport) =>
    `${report.requests} requests, ${report.failed} failed, slowest ${Math.max(...report.answers.map((a) => a.ms))} ms`;

  // apt, Rails and the agent on a shared machine: setting up can take longer than the default hook limit.
  beforeAll(async () => {
    ctx = await startDeployContext();
  }, 600_000);
  afterAll(async () => {
    await ctx?.close();
  });

  it(
    'Given a first release whose web command cannot start (no puma in its bundle, none on the system), ' +
      'When deployed, Then the unit is stopped, not restarting, and the output says why',
    async () => {
      await commitChange(ctx.server, { Gemfile: GEMFILE([]), 'config/initializers/release.rb': RELEASE_RB('nopuma') }, 'no puma');
      await must(ctx.server, ['mv', '/usr/bin/puma', '/usr/bin/puma.away']);
      try {
        const run = await ctx.hms(['deploy', 'cigar']);
        expect(run.code, run.stdout).toBe(1);
        expect(run.stdout).toMatch(
          /│ web command: \/usr\/bin\/puma -C \/var\/www\/cigar\/shared\/config\/puma\.rb \(no puma in Gemfile\.lock: the system's puma/,
        );
        expect(run.stderr).toMatch(/^hms: The deploy of cigar failed at health in/m);
        expect(run.stderr).toMatch(
          /no previous release to go back to: cigar\.service stopped; its journal ends: .*\/usr\/bin\/puma: not found/,
        );
        expect(run.stdout).toMatch(/^✓ rollback .*cigar\.service stopped: nothing to go back to/m);
        const stopped = await unit();
        expect(stopped.ActiveState).toMatch(/^(inactive|failed)$/);
        await new Promise((resolve) => setTimeout(resolve, 5000));
        expect(await unit()).toEqual(stopped);
        console.log(`[deploy-gems e2e] first release that cannot start: ${JSON.stringify(stopped)}, 5 s later the same`);
      } finally {
        await must(ctx.server, ['mv', '/usr/bin/puma.away', '/usr/bin/puma']);
      }
    },
  );

  it("Given a bundle without puma, When deployed, Then the system's puma serves it, on the socket systemd holds", async () => {
    const run = await ctx.hms(['deploy', 'cigar', '--reason', 'system puma']);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(await webCommand()).toBe(`/usr/bin/puma\n-C\n${ROOT}/shared/config/puma.rb\n`);
    expect(await shownRelease()).toBe('nopuma');
    expect(await must(ctx.server, ['systemctl', 'is-active', 'cigar.socket'])).toBe('active\n');
    // The listening socket is systemd's (PID 1), shared with puma: it outlives puma's restarts.
    const listener = await must(ctx.server, ['ss', '-xlpn', 'src', `${ROOT}/shared/tmp/sockets/puma.sock`]);
    console.log(`[deploy-gems e2e] ${listener.trim().split('\n').at(-1)}`);
    expect(listener).toMatch(/"systemd",pid=1,/);
    expect(listener).toMatch(/"(puma|ruby)[^"]*",pid=\d+,/);
  });

  it(
    'Given a release that brings puma back into the bundle, When deployed under load, ' +
      'Then the web command changes with a full restart, and it is counted',
    async () => {
      await commitChange(ctx.server, { Gemfile: GEMFILE(['puma']), 'config/initializers/release.rb': RELEASE_RB('bundled') }, 'puma again');
      const { run, report } = await underLoad(['deploy', 'cigar']);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(
        /^✓ restart .*the web command changes \(\/usr\/bin\/puma .* -> \/usr\/bin\/bundle exec puma .*\): full restart/m,
      );
      expect(await webCommand()).toMatch(/^\/usr\/bin\/bundle\nexec\npuma\n/);
      expect(await shownRelease()).toBe('bundled');
      console.log(
        `[deploy-gems e2e] full restart (web command changes): ${loadLine(report)}; ` +
          `${JSON.stringify(report.byStatus)} ${JSON.stringify(report.errors)}`,
      );
      expect(report.failed, JSON.stringify(report.byStatus)).toBe(0);
    },
  );

  it(
    'Given a release that adds a gem, When deployed under load on Debian’s puma (it cannot prune its bundle), ' +
      'Then a full restart says why, not one request fails, and it serves',
    async () => {
      await commitChange(
        ctx.server,
        { Gemfile: GEMFILE(['puma', 'rack-test']), 'config/initializers/release.rb': RELEASE_RB('gems') },
        'a gem more',
      );
      const { run, report } = await underLoad(['deploy', 'cigar']);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/│ Gemfile\.lock changed and this puma cannot prune its bundle: full restart/);
      expect(run.stdout).toMatch(/^✓ restart .*Gemfile\.lock changed and this puma cannot prune its bundle: full restart/m);
      expect(await shownRelease()).toBe('gems');
      console.log(
        `[deploy-gems e2e] full restart (Gemfile.lock changed): ${loadLine(report)}; ` +
          `${JSON.stringify(report.byStatus)} ${JSON.stringify(report.errors)}`,
      );
      expect(report.failed, JSON.stringify(report.byStatus)).toBe(0);
      expect(new Set(report.answers.map((a) => a.release))).toEqual(new Set(['bundled', 'gems']));
    },
  );

  it('Given the same gems, When deployed, Then it is a phased restart again', async () => {
    await commitChange(ctx.server, CHANGES.two, 'two');
    const run = await ctx.hms(['deploy', 'cigar']);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/✓ restart .*phased restart \(systemctl reload\)/);
  });

  it('Given the short SHA of a commit below the head of main, When deployed, Then that commit goes live', async () => {
    const sha = await commitChange(ctx.server, { 'config/initializers/release.rb': RELEASE_RB('pinned') }, 'pinned');
    await commitChange(ctx.server, { 'config/initializers/release.rb': RELEASE_RB('later') }, 'later');
    const run = await ctx.hms(['deploy', 'cigar', '--ref', sha.slice(0, 7)]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain(`│ ${sha.slice(0, 7)} is ${sha}`);
    expect(await shownRelease()).toBe('pinned');
    expect((await ctx.page()).body).toContain(`revision ${sha}`);
  });
});

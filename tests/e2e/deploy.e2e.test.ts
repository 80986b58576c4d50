/**
 * Deploys of a real Rails 6.1 app (tests/fixtures/sample-app) on the disposable
 * Debian server, with the built `hms` through the SSH tunnel: the bundled agent on
 * Node 18 under systemd runs git, bundler, rake and systemctl for real; puma (2
 * workers) serves behind nginx; the page is read through nginx from this host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockStatusSchema, releasesResponseSchema } from '../../src/api/deploys.js';
import { testServerSupport } from '../support/test-server.js';
import { startDeployContext, type DeployContext } from './deploy-context.js';
import { CHANGES, commitChange, git, must, ROOT, sharedChecksum } from './deploy-server.js';
import { startLoad, settledAfter } from './page-load.js';

const support = testServerSupport();

describe.skipIf(!support.ok)('deploys of a Rails app on a real server', { timeout: 300_000 }, () => {
  let ctx: DeployContext;
  const released: Record<string, string> = {};

  const releases = async () => releasesResponseSchema.parse(JSON.parse((await ctx.hms(['releases', 'cigar', '--json'])).stdout));
  const current = async () => (await releases()).find((r) => r.current)?.id;
  const shownRelease = async () => /sample release (\w+)/.exec((await ctx.page()).body)?.[1];
  const lastAudit = async () => (await ctx.api('GET', '/api/audit?limit=1')).json.entries[0];
  const liveIn = (stdout: string) => Number(/is live in (\d+\.\d) s/.exec(stdout)?.[1] ?? NaN);

  // apt, Rails and the agent on a shared machine: setting up can take longer than the default hook limit.
  beforeAll(async () => {
    ctx = await startDeployContext();
  }, 600_000);
  afterAll(async () => {
    await ctx?.close();
  });

  it(
    'Given an empty app folder, When `hms deploy cigar` runs, ' +
      'Then each step streams, puma starts, and nginx serves release one with its assets and error page',
    async () => {
      const run = await ctx.hms(['deploy', 'cigar', '--reason', 'first deploy']);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      for (const step of ['lock', 'check', 'fetch', 'link', 'bundle', 'assets', 'migrate', 'switch', 'restart', 'health', 'record'])
        expect(run.stdout).toMatch(new RegExp(`^✓ ${step} `, 'm'));
      expect(run.stdout).toMatch(/│ deploy\$ bundle exec rake assets:precompile/);
      expect(run.stdout).toMatch(/│ == 20260101000001 CreateVisits: migrated/);
      expect(run.stdout).toMatch(/✓ restart .*was inactive: started/);
      console.log(`[deploy e2e] first deploy: ${liveIn(run.stdout)} s`);

      const page = await ctx.page();
      expect(page.status).toBe(200);
      expect(page.body).toContain('sample release one');
      const css = /href="(\/assets\/application-[0-9a-f]+\.css)"/.exec(page.body)![1]!;
      expect((await ctx.page(css)).status).toBe(200);
      const boom = await ctx.page('/boom');
      expect(boom).toMatchObject({ status: 500, body: expect.stringContaining('sample: something went wrong (500)') });
      released.one = (await current())!;
      const record = JSON.parse(await must(ctx.server, ['cat', `${ROOT}/releases/${released.one}/release.json`]));
      expect(record).toMatchObject({
        id: released.one,
        ref: 'main',
        by: expect.stringMatching(/^\S+@\S+ \(api-token\)$/),
        reason: 'first deploy',
        status: 'ok',
        migrations: ['20260101000001_create_visits.rb'],
        health: { ok: true, status: 200 },
      });
      expect(page.body).toContain(`revision ${record.sha}`);
    },
  );

  it(
    'Given commit two with a new migration, When deployed under load, ' +
      'Then puma restarts in phases, not one request fails, and the page shows release two',
    async () => {
      await commitChange(ctx.server, CHANGES.two, 'two');
      const load = startLoad({ host: ctx.server.host, site: 'cigar.test', clients: 8 });
      const run = await ctx.hms(['deploy', 'cigar']);
      const report = await load.stop();
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/✓ restart .*phased restart \(systemctl reload\)/);
      expect(run.stdout).toMatch(/│ new since \d{14}: 20260102000000_add_note_to_visits\.rb/);
      console.log(`[deploy e2e] second deploy: ${liveIn(run.stdout)} s; ${report.requests} requests, ${report.failed} failed`);
      expect(report.failed, JSON.stringify(report.byStatus)).toBe(0);
      expect(new Set(report.answers.map((a) => a.release))).toEqual(new Set(['one', 'two']));
      expect(await shownRelease()).toBe('two');
      released.two = (await current())!;
      const columns = await must(ctx.server, ['sqlite3', `${ROOT}/shared/db/production.sqlite3`, 'PRAGMA table_info(visits)']);
      expect(columns).toContain('|note|');
    },
  );

  it(
    'Given release two is live, When `hms rollback cigar --yes` runs, ' +
      'Then release one serves again within 10 s and the database migration is warned about',
    async () => {
      const load = startLoad({ host: ctx.server.host, site: 'cigar.test', clients: 8 });
      const started = load.now();
      const run = await ctx.hms(['rollback', 'cigar', '--yes']);
      const report = await load.stop();
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(
          [
            String.raw`^warning: The database keeps 1 migration\(s\) that \d{14} does not know: `,
            String.raw`20260102000000_add_note_to_visits\.rb\. The database is not rolled back`,
          ].join(''),
          'm',
        ),
      );
      expect(run.stdout).toMatch(/cigar: \d{14} is live again/);
      expect(report.failed).toBe(0);
      const settled = settledAfter(report.answers, started, 'one');
      console.log(
        `[deploy e2e] rollback: page on release one ${settled} ms after the request; ${report.requests} requests, ${report.failed} failed`,
      );
      expect(settled).not.toBeNull();
      expect(settled!).toBeLessThan(10_000);
      expect(await current()).toBe(released.one);
      expect(await lastAudit()).toMatchObject({ action: 'rollback', result: 'ok' });

      const forward = await ctx.hms(['deploy', 'cigar', '--reason', 'back to two']);
      expect(forward.code, forward.stderr).toBe(0);
      expect(await shownRelease()).toBe('two');
    },
  );

  it(
    'Given the short SHA of release two with a later commit on main, ' +
      'When `hms deploy cigar --ref <7 hex>` runs, Then the server resolves it to that commit, which goes live',
    async () => {
      const sha = (await git(ctx.server, ['rev-parse', 'HEAD'])).trim();
      await commitChange(ctx.server, {}, 'later, empty');
      const run = await ctx.hms(['deploy', 'cigar', '--ref', sha.slice(0, 7)]);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain(`│ ${sha.slice(0, 7)} is ${sha}`);
      expect((await releases()).find((r) => r.current)).toMatchObject({ sha, ref: sha.slice(0, 7) });
      expect(await shownRelease()).toBe('two');
    },
  );

  describe('failures injected at each step', () => {
    it.each([
      ['a ref that does not exist', null, 'no-such-branch', 'fetch', /Remote branch no-such-branch not found/, false],
      [
        'a Gemfile needing a gem that is not installed',
        CHANGES.badBundle,
        'bad-bundle',
        'bundle',
        /Could not reach host index\.rubygems\.org/,
        false,
      ],
      [
        'a stylesheet requiring a missing file (assets:precompile fails)',
        CHANGES.badAssets,
        'bad-assets',
        'assets',
        /Sprockets::FileNotFound: couldn't find file 'does_not_exist'/,
        false,
      ],
      ['a migration that raises', CHANGES.badMigration, 'bad-migration', 'migrate', /this migration fails/, false],
      ['an app that does not boot', CHANGES.noBoot, 'no-boot', 'health', /processes: .*\d in \d{14}.*\d in \d{14}/, true],
      ['an app whose /up fails', CHANGES.badHealth, 'bad-health', 'health', /GET \/up: HTTP 503/, true],
    ] as const)(
      'Given %s, When deployed, ' +
        'Then it stops at that step, release two keeps serving, the lock is gone, the audit log says why and shared/ is untouched',
      async (_, files, ref, step, why, rolledBack) => {
        if (files) await commitChange(ctx.server, files, ref, ref);
        const before = { current: await current(), shared: await sharedChecksum(ctx.server) };
        const load = startLoad({ host: ctx.server.host, site: 'cigar.test', clients: 4 });
        const run = await ctx.hms(['deploy', 'cigar', '--ref', ref]);
        const report = await load.stop();

        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(new RegExp(`^hms: The deploy of cigar failed at ${step} in`, 'm'));
        expect(run.stderr).toMatch(why);
        expect(run.stderr).toMatch(/See `hms logs cigar` and `hms releases cigar`/);
        expect(run.stdout).toMatch(new RegExp(`^✗ ${step} `, 'm'));
        if (rolledBack) expect(run.stdout).toMatch(/^✓ rollback .*current is \d{14} again, and healthy/m);
        expect(report.failed, JSON.stringify(report.byStatus)).toBe(0);
        expect(await current()).toBe(before.current);
        expect(await shownRelease()).toBe('two');
        expect(await sharedChecksum(ctx.server)).toBe(before.shared);
        expect(lockStatusSchema.parse((await ctx.api('GET', '/api/deploys/cigar/lock')).json)).toMatchObject({ locked: false });
        const audit = await lastAudit();
        expect(audit).toMatchObject({ action: 'deploy', target: 'cigar', result: 'failed' });
        expect(audit.detail).toMatch(
          rolledBack
            ? /failed its health check; rolled back to \d{14}, which serves again/
            : new RegExp(`failed at ${step}: .*keeps serving`),
        );
      },
    );
  });

  it(
    'Given two deploys started at once, When the second asks, ' +
      'Then it is refused with who holds the lock since when and why, and the first completes',
    async () => {
      const first = ctx.hms(['deploy', 'cigar', '--reason', 'first of two']);
      await must(ctx.server, [
        'sh',
        '-c',
        'for i in $(seq 100); do test -e /var/lib/hosting-api/locks/cigar.json && exit 0; sleep 0.1; done; exit 1',
      ]);
      const second = await ctx.hms(['deploy', 'cigar', '--reason', 'second of two']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/cigar is locked by a running deploy: held by \S+ \(api-token\) since \S+ \(reason: first of two\)/);
      expect(second.stderr).toContain('Wait, or run `hms unlock cigar`.');
      expect((await first).code).toBe(0);
      expect(await lastAudit()).toMatchObject({ action: 'deploy', result: 'ok' });
    },
  );

  it('Given `hms lock` with a reason, When a deploy comes, Then it is refused until `hms unlock`', async () => {
    expect((await ctx.hms(['lock', 'cigar', '--reason', 'db maintenance'])).stdout).toMatch(
      /cigar is locked by \S+ \(api-token\) since .* \(manual; reason: db maintenance\)/,
    );
    const refused = await ctx.hms(['deploy', 'cigar']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('(reason: db maintenance)');
    expect((await ctx.hms(['unlock', 'cigar'])).code).toBe(0);
    const audit = (await ctx.api('GET', '/api/audit?limit=3')).json.entries.map(
      (e: { action: string; result: string }) => `${e.action}:${e.result}`,
    );
    expect(audit).toEqual(['deploy.unlock:ok', 'deploy:refused', 'deploy.lock:ok']);
  });

  it('Given many deploys, When listed, Then at most keepReleases (3) remain, current and the previous one among them', async () => {
    const list = await releases();
    const table = (await ctx.hms(['releases', 'cigar'])).stdout;
    console.log(table);
    expect(list.length).toBeLessThanOrEqual(3);
    expect(list.filter((r) => r.current)).toHaveLength(1);
    const dirs = (await must(ctx.server, ['ls', `${ROOT}/releases`])).trim().split('\n');
    expect(dirs.sort()).toEqual(list.map((r) => r.id).sort());
  });
});

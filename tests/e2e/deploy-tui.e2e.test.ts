/**
 * Deploys from the control center as a person does them: the built `hms` in a real
 * terminal (a private tmux server) against the disposable Debian server with the
 * real Rails sample app behind nginx (tests/e2e/deploy-context.ts). Keys in, the
 * screen read back, the page read through nginx.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockStatusSchema, releasesResponseSchema } from '../../src/api/deploys.js';
import { HMS_BIN } from '../support/run-hms.js';
import { API_TOKEN } from '../support/server-kit.js';
import { testServerSupport } from '../support/test-server.js';
import { SHELL_PROMPT, startTmux, tableRow, tmuxSupport, type Tmux } from '../support/tmux.js';
import { waitUntil } from '../support/wait-for.js';
import { startDeployContext, type DeployContext } from './deploy-context.js';
import { CHANGES, commitChange } from './deploy-server.js';

const support = testServerSupport();
const terminal = tmuxSupport();

/** A deploy of the sample app (bundle, assets, migrate, phased restart) on a busy machine. */
const DEPLOY_MS = 240_000;

const lastLine = (screen: string): string => screen.trimEnd().split('\n').at(-1) ?? '';
const liveRelease = (screen: string): string | undefined =>
  /✓ Deployed cigar: release (\d{14}) \([0-9a-f]{12}\) is live in \d+\.\d s\./.exec(screen)?.[1];

describe.skipIf(!support.ok || !terminal.ok)('deploys from the control center, against a real Rails app', { timeout: 600_000 }, () => {
  let ctx: DeployContext;
  let tmux: Tmux;
  const released: Record<string, string> = {};
  const shownRelease = async () => /sample release (\w+)/.exec((await ctx.page()).body)?.[1];
  const current = async () =>
    releasesResponseSchema.parse((await ctx.api('GET', '/api/deploys/cigar/releases')).json).find((r) => r.current)?.id;

  const locked = async () => lockStatusSchema.parse((await ctx.api('GET', '/api/deploys/cigar/lock')).json).locked;

  /** d, the ref prompt (Enter keeps main), y. */
  const askDeploy = async () => {
    await tmux.keys('d');
    await tmux.waitFor(/deploy cigar on test at ref: main/);
    await tmux.keys('Enter');
    await tmux.waitFor(/Deploy cigar at main on test\?/);
    await tmux.keys('y');
  };
  /** ... and the deploy view opens on the running deploy. */
  const deploy = async () => {
    await askDeploy();
    return tmux.waitFor(/Deploy cigar on test \(ref main\)\s+running…/);
  };

  beforeAll(async () => {
    ctx = await startDeployContext();
    tmux = await startTmux({ cwd: ctx.dir, env: { HOME: ctx.dir, XDG_CONFIG_HOME: path.join(ctx.dir, '.xdg'), HMS_TOKEN: API_TOKEN } });
  });
  afterAll(async () => {
    await tmux?.kill();
    await ctx?.close();
  });

  it(
    'Given `hms`, When D and then enter are pressed, ' + 'Then cigar is listed unlocked with no release, and its releases view is empty',
    async () => {
      await tmux.run(`node ${HMS_BIN}`);
      await tmux.waitFor((s) => tableRow(s, 'cigar') !== undefined);
      expect(await tmux.screen()).toMatch(/<d> deploy/);
      await tmux.keys('D');
      const list = await tmux.waitFor(/▶ cigar\s+–\s+\S+\s+–/);
      expect(list).toMatch(/Deploys on test/);
      expect(list).toMatch(/<⏎> releases\s+<d> deploy\s+<w> watch/);
      await tmux.keys('Enter');
      const releases = await tmux.waitFor(/No releases yet: d deploys cigar\./);
      expect(releases).toContain('cigar is not locked.');
      expect(releases).toMatch(/<b> roll back\s+<L> lock\s+<U> unlock/);
    },
  );

  it(
    'Given the releases view, When d is confirmed, ' +
      'Then each step shows as it runs, the view ends on ✓ … is live, and nginx serves release one',
    async () => {
      await deploy();
      // Live: a step has ended while the deploy still runs.
      const stepEnded = /^✓ (lock|check|fetch|link|bundle)\s+\d+\.\d s/m;
      const midway = await tmux.waitFor((s) => /running…/.test(s) && stepEnded.test(s), DEPLOY_MS);
      expect(midway).not.toMatch(/is live/);
      expect(midway).toMatch(/^lock ✓/m);
      const done = await tmux.waitFor((s) => liveRelease(s) !== undefined, DEPLOY_MS);
      expect(done).toMatch(/^✓ health\s+\d+\.\d s/m);
      expect(done).not.toContain('running…');
      released.one = liveRelease(done)!;
      expect(await shownRelease()).toBe('one');
      expect(await current()).toBe(released.one);
    },
  );

  it('Given commit two, When deployed from its releases view, Then release two is live and the list marks it current', async () => {
    await commitChange(ctx.server, CHANGES.two, 'two');
    await tmux.keys('Escape');
    await tmux.waitFor(new RegExp(`→ ${released.one}`));
    await deploy();
    const done = await tmux.waitFor((s) => liveRelease(s) !== undefined && liveRelease(s) !== released.one, DEPLOY_MS);
    expect(done).toMatch(/│ new since \d{14}: 20260102000000_add_note_to_visits\.rb/);
    released.two = liveRelease(done)!;
    expect(await shownRelease()).toBe('two');
    await tmux.keys('Escape');
    await tmux.waitFor(new RegExp(`▶ → ${released.two}[\\s\\S]*\\n {4}${released.one}`));
  });

  it(
    'Given release one selected, When b is confirmed, ' + 'Then it serves again and the view warns that the database keeps the migration',
    async () => {
      await tmux.keys('j');
      await tmux.waitFor(new RegExp(`▶ {3}${released.one}`));
      await tmux.keys('b');
      await tmux.waitFor(new RegExp(`Roll cigar on test back to ${released.one}\\? The database stays as it is\\.`));
      await tmux.keys('y');
      const screen = await tmux.waitFor(/cigar: \d{14} is live again/, 120_000);
      expect(screen).toMatch(
        /warning: The database keeps 1 migration\(s\) that \d{14} does not know: 20260102000000_add_note_to_visits\.rb/,
      );
      expect(await shownRelease()).toBe('one');
      await tmux.waitFor(new RegExp(`→ ${released.one}`));
    },
  );

  it(
    'Given L with a reason, When a deploy is confirmed, ' + 'Then it is refused naming who holds the lock and why; U (confirmed) unlocks',
    async () => {
      await tmux.keys('L');
      await tmux.waitFor(/lock deploys of cigar, reason:/);
      await tmux.type('db maintenance');
      await tmux.keys('Enter');
      await tmux.waitFor(/cigar is locked by \S+ \(api-token\) since \S+ \(manual; reason: db maintenance\)\./);
      await askDeploy();
      const refused = await tmux.waitFor(/✗ test: cigar is locked: held by \S+ \(api-token\) since \S+ \(reason: db maintenance\)\./);
      expect(refused).toContain('Wait, or run `hms unlock cigar`.');
      expect(await current()).toBe(released.one);

      // One key at a time: Escape and U sent together read as Alt+U.
      await tmux.keys('Escape');
      await tmux.waitFor((screen) => !/Deploy cigar on test \(ref/.test(screen));
      await tmux.keys('U');
      await tmux.waitFor(/Unlock deploys of cigar on test\?/);
      await tmux.keys('y');
      await tmux.waitFor(/cigar unlocked \(was: locked by \S+ \(api-token\)/);
      await tmux.waitFor(/cigar is not locked\./);
      expect(await locked()).toBe(false);
    },
  );

  it(
    'Given cigar selected on the overview, When d is confirmed and then x pressed, ' +
      'Then the agent stops the deploy before the switch and release one keeps serving',
    async () => {
      // One key at a time: two Escapes sent together read as one Alt+Escape.
      await tmux.keys('Escape');
      await tmux.waitFor(/Deploys on test/);
      await tmux.keys('Escape');
      await tmux.waitFor((s) => tableRow(s, 'cigar') !== undefined && /Overview/.test(s));
      while (tableRow(await tmux.screen(), 'cigar')?.[0] !== '▶') await tmux.keys('j');
      await deploy();
      await tmux.keys('x');
      const stopped = await tmux.waitFor(/Stopped; the agent on test stops the deploy of cigar before it switches/, 60_000);
      expect(stopped).not.toMatch(/✓ switch/);
      await waitUntil(async () => !(await locked()), 60_000, 500);
      expect(await locked()).toBe(false);
      expect(await current()).toBe(released.one);
      expect(await shownRelease()).toBe('one');
    },
  );

  it('Given q, When pressed, Then hms exits and the terminal is restored', async () => {
    await tmux.keys('q');
    const screen = await tmux.waitFor((s) => lastLine(s) === SHELL_PROMPT.trim());
    expect(screen).not.toMatch(/Deploys on|<\?> help/);
    expect(await tmux.display('#{alternate_on}')).toBe('0');
  });

  it('Given --readonly, When d is pressed on the deploys screen, Then nothing is asked and the message says why', async () => {
    await tmux.run('clear');
    await tmux.run(`node ${HMS_BIN} --readonly`);
    await tmux.waitFor((s) => tableRow(s, 'cigar') !== undefined);
    await tmux.keys('D');
    await tmux.waitFor(/▶ cigar/);
    expect(await tmux.screen()).not.toContain('<d> deploy');
    await tmux.keys('d');
    await tmux.waitFor(/read-only session \(--readonly\): cannot deploy cigar at main on test/);
    expect(await tmux.screen()).not.toMatch(/at ref:|y yes/);
    await tmux.keys('q');
    await tmux.waitFor((s) => lastLine(s) === SHELL_PROMPT.trim());
  });
});

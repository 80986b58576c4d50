/**
 * The console and maintenance from the control center as a person uses them: `hms
 * full-deploy` of a bare server and `hms deploy cigar` (tests/e2e/postgres-laptop.ts),
 * then the built `hms` in a real terminal (a private tmux server): c on cigar hands the
 * terminal to its Rails console (over the TUI's own SSH connection), Ctrl-C reaches the
 * console, resizes follow, Ctrl-D brings the TUI back as it was; a lost connection
 * brings it back too. M puts cigar in maintenance (nginx answers 503 with Retry-After)
 * and takes it out; --readonly refuses both. Then the dashboard in headless Chromium
 * does the same, and the audit log has each change with who made it.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exec } from '../../src/platform/exec.js';
import { chromiumSupport, launchBrowser, type TestBrowser } from '../support/browser.js';
import { HMS_BIN } from '../support/run-hms.js';
import { testServerSupport } from '../support/test-server.js';
import { SHELL_PROMPT, startTmux, tableRow, tmuxSupport, type Tmux } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';
import { logInAsAdmin } from './deploy-web-browser.js';
import { postgresLaptop } from './postgres-laptop.js';
import { siteRequest } from './site-client.js';

const support = testServerSupport();
const terminal = tmuxSupport();
const chromium = chromiumSupport();
const SITE = 'http://cigar.test/visits';

const lastLine = (screen: string): string => screen.trimEnd().split('\n').at(-1) ?? '';
const selected = (screen: string, app: string): boolean => tableRow(screen, app)?.[0] === '▶';

describe.skipIf(!support.ok || !terminal.ok)('the console and maintenance from the control center', { timeout: 900_000 }, () => {
  const laptop = postgresLaptop('hms-console-tui-', { deployable: true });
  const { hms } = laptop;
  let tmux: Tmux | undefined;
  let browser: TestBrowser | undefined;
  const term = () => tmux!;
  /** The laptop's SSH connections the server holds (server.exec goes through nsenter, not SSH). */
  const sshConnections = async () =>
    (await laptop.server.exec(['ss', '-Htn', 'state', 'established', '( sport = :22 )'])).stdout.trim().split('\n').filter(Boolean).length;
  const site = () => siteRequest(laptop.server.host, SITE);
  /**
   * Opens cigar's console from the overview; resolves with its first prompt's screen. The normal
   * screen still shows the consoles before, each ended past its first prompt.
   */
  const openConsole = async () => {
    await term().keys('c');
    return term().waitFor(
      (s) => /Loading production environment .*\n(irb\(main\):001:0>\s*\n)*irb\(main\):001:0>$/.test(s.trimEnd()),
      60_000,
      20,
    );
  };
  const tuiBack = (s: string) => selected(s, 'cigar') && /The console of cigar on test ended/.test(s);

  afterAll(async () => {
    await tmux?.kill();
    await browser?.close();
  });

  it('Given a bare server, When `hms full-deploy test` and `hms deploy cigar` run, Then cigar serves', async () => {
    const run = await hms(['full-deploy', 'test']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const deploy = await hms(['deploy', 'cigar']);
    expect(deploy.code, deploy.stderr + deploy.stdout.slice(-2000)).toBe(0);
    expect((await site()).status).toBe(200);
  });

  it(
    'Given `hms` with cigar selected, When c is pressed, Then the Rails console prompts on the normal screen ' +
      'over at most one SSH connection of the TUI’s own, and evaluates 1+41',
    async () => {
      tmux = await startTmux({
        cwd: laptop.dir,
        env: { HOME: laptop.dir, XDG_CONFIG_HOME: `${laptop.dir}/.xdg`, HMS_NO_KEYCHAIN: '1' },
      });
      await term().run(`node ${HMS_BIN}`);
      await term().waitFor((s) => tableRow(s, 'cigar')?.[2]?.startsWith('●') === true, 30_000);
      while (!selected(await term().screen(), 'cigar')) await term().keys('j');
      expect(await term().screen()).toMatch(/<c> console\s+<M> maintenance/);
      const connections = await sshConnections();
      const started = Date.now();
      await openConsole();
      console.log(`[console-tui] c to the first Rails console prompt: ${Date.now() - started} ms`);
      expect(await term().display('#{alternate_on}')).toBe('0');
      // The overview's requests go through the connection holder; a console needs a terminal, so the TUI
      // opens its own SSH connection for it (none when it had one already).
      expect(await sshConnections()).toBeLessThanOrEqual(connections + 1);
      await term().type('1+41');
      await term().keys('Enter');
      await term().waitFor(/^=> 42$/m, 30_000);
    },
  );

  it('Given the console, When the terminal is resized, Then the console’s window follows', async () => {
    await term().type('IO.console.winsize');
    await term().keys('Enter');
    await term().waitFor(/^=> \[48, 160\]$/m, 30_000);
    await exec(['tmux', '-L', term().socket, 'resize-window', '-x', '132', '-y', '40'], { timeoutMs: 10_000 });
    await term().waitFor((s) => s.split('\n').length <= 41);
    await term().type('IO.console.winsize');
    await term().keys('Enter');
    await term().waitFor(/^=> \[40, 132\]$/m, 30_000);
  });

  it('Given `sleep 30` running in the console, When Ctrl-C is pressed, Then it is interrupted and the console goes on', async () => {
    await term().type('sleep 30');
    await term().keys('Enter');
    await term().waitFor(/sleep 30\s*\n\s*$/);
    const pressed = Date.now();
    await term().keys('C-c');
    // irb stops the evaluation (IRB::Abort on Ruby 3.1's irb) and prompts again.
    await term().waitFor(/\^C.*(Interrupt|IRB::Abort)[\s\S]*irb\(main\):\d+:0>\s*$/, 20_000);
    await term().type('[:still, :here]');
    await term().keys('Enter');
    await term().waitFor(/^=> \[:still, :here\]$/m, 20_000);
    expect(Date.now() - pressed).toBeLessThan(20_000);
  });

  it('Given the console, When Ctrl-D ends it, Then the TUI is back on its overview, cigar selected, alternate screen', async () => {
    await term().keys('C-d');
    const back = await term().waitFor(tuiBack, 30_000);
    expect(back).toMatch(/The console of cigar on test ended \(exit 0\)\./);
    expect(back).toMatch(/^Overview/m);
    expect(await term().display('#{alternate_on}')).toBe('1');
    // The TUI drew itself for the new size, and its keys work again.
    expect(back.split('\n').every((line) => line.length <= 132)).toBe(true);
    await term().keys('j');
    await term().waitFor((s) => !selected(s, 'cigar'));
    await term().keys('k');
    await term().waitFor((s) => selected(s, 'cigar'));
    const audit = (await hms(['audit', '--json'])).stdout;
    expect(audit).toMatch(/"action":\s*"app\.console"/);
  });

  it(
    'Given the console open, When its SSH connection is cut on the server, ' +
      'Then the TUI comes back saying so, and its overview reconnects by itself',
    async () => {
      await openConsole();
      await term().type(':before_the_cut');
      await term().keys('Enter');
      await term().waitFor(/^=> :before_the_cut$/m, 30_000);
      const launcher = (await laptop.server.exec(['pgrep', '-n', '-f', 'hms-agent.mjs console-run'])).stdout.trim();
      expect(launcher).toMatch(/^\d+$/);
      // The connection's two sshd processes (the session's and its privileged monitor) both hold its socket.
      const sshd = (await laptop.server.exec(['ps', '-o', 'ppid=', '-p', launcher])).stdout.trim();
      const monitor = (await laptop.server.exec(['ps', '-o', 'ppid=', '-p', sshd])).stdout.trim();
      expect((await laptop.server.exec(['ps', '-o', 'args=', '-p', sshd])).stdout).toMatch(/^sshd: \S+@pts/);
      expect((await laptop.server.exec(['ps', '-o', 'args=', '-p', monitor])).stdout).toMatch(/^sshd: \S+ \[priv\]/);
      // One may be gone by the time the other is killed: the connection's end is what counts.
      await laptop.server.exec(['kill', '-KILL', monitor, sshd]);
      const back = await term().waitFor(/The console of cigar on test ended: the connection to test was lost\./, 30_000);
      expect(selected(back, 'cigar')).toBe(true);
      expect(await term().display('#{alternate_on}')).toBe('1');
      await term().keys('C-r');
      await term().waitFor((s) => /● test connected/.test(s) && tableRow(s, 'cigar')?.[2]?.startsWith('●') === true, 60_000);
      await openConsole();
      await term().keys('C-d');
      await term().waitFor(tuiBack, 30_000);
    },
  );

  it(
    'Given cigar selected, When M, a message, Enter and y are pressed, ' +
      'Then the question says what happens, nginx answers 503 with Retry-After and the message, and the overview shows it',
    async () => {
      await term().keys('M');
      await term().waitFor(/maintenance of cigar on test, message on the 503 page:/);
      await term().type('Back at 14:00 from the TUI.');
      await term().keys('Enter');
      const asked = await term().waitFor(/Put cigar on test in maintenance\?/);
      expect(asked).toMatch(/cigar answers 503 to every request until maintenance is off\. y\/N/);
      await term().keys('y');
      await term().waitFor(/cigar on test is in maintenance: nginx answers 503 with Retry-After/, 30_000);
      const answer = await site();
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toMatch(/^\d+$/);
      expect(answer.body).toContain('Back at 14:00 from the TUI.');
      await term().waitFor((s) => /· maintena/.test(tableRow(s, 'cigar')?.[2] ?? ''), 30_000);
    },
  );

  it('Given cigar in maintenance, When M and y are pressed, Then it serves again (200) and the overview says so', async () => {
    await term().keys('M');
    await term().waitFor(/Take cigar on test out of maintenance\? cigar serves its requests again\. y\/N/);
    await term().keys('y');
    await term().waitFor(/cigar on test is out of maintenance/, 30_000);
    expect((await site()).status).toBe(200);
    await term().waitFor((s) => !/maintenance/.test(tableRow(s, 'cigar')?.[2] ?? 'maintenance'), 30_000);
  });

  it('Given `hms --readonly`, When c and M are pressed on cigar, Then both are refused with a message and nothing changes', async () => {
    await term().keys('q');
    await term().waitFor((s) => lastLine(s) === SHELL_PROMPT.trim());
    await term().run(`node ${HMS_BIN} --readonly`);
    await term().waitFor((s) => tableRow(s, 'cigar') !== undefined, 30_000);
    while (!selected(await term().screen(), 'cigar')) await term().keys('j');
    expect(await term().screen()).not.toMatch(/<c> console/);
    await term().keys('c');
    await term().waitFor(/read-only session \(--readonly\): cannot open the console of cigar on test\./);
    expect(await term().display('#{alternate_on}')).toBe('1');
    await term().keys('M');
    await term().waitFor(/read-only session \(--readonly\): cannot put cigar on test in maintenance\./);
    expect((await site()).status).toBe(200);
    await term().keys('q');
    await term().waitFor((s) => lastLine(s) === SHELL_PROMPT.trim());
  });

  describe.skipIf(!chromium.ok)('in the browser', () => {
    const page = () => browser!.page;
    let base = '';

    it('Given the admin on the dashboard, When "maintenance on" is followed and confirmed with a message, ' +
      'Then a notice says so and nginx answers 503 with Retry-After; "maintenance off" brings 200 back', async () => {
      const hosting = await laptop.hosting();
      base = `https://${hosting.domain}`;
      browser = await launchBrowser({ domain: hosting.domain, address: laptop.server.host });
      await logInAsAdmin(browser, base, hosting.adminPassword);
      await Promise.all([page().waitForURL(`${base}/maintenance/cigar`), page().click('a[href="/maintenance/cigar"]')]);
      expect(await page().textContent('h1')).toBe('Put cigar in maintenance?');
      await page().fill('input[name=message]', 'Back at 15:00 from the browser.');
      await Promise.all([page().waitForURL(/\/\?done=/), page().click('button:has-text("Maintenance on for cigar")')]);
      expect(await page().textContent('.notice')).toBe('cigar is in maintenance: nginx answers 503 with Retry-After until it is off.');
      expect(await page().textContent('a[href="/maintenance/cigar"]')).toBe('maintenance off');
      const answer = await site();
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toMatch(/^\d+$/);
      expect(answer.body).toContain('Back at 15:00 from the browser.');

      await Promise.all([page().waitForURL(`${base}/maintenance/cigar`), page().click('a[href="/maintenance/cigar"]')]);
      expect(await page().textContent('h1')).toBe('Take cigar out of maintenance?');
      await Promise.all([page().waitForURL(/\/\?done=/), page().click('button:has-text("Maintenance off for cigar")')]);
      expect(await page().textContent('.notice')).toBe('cigar is out of maintenance: it serves its requests again.');
      await waitFor(
        async () => (await site()).status === 200,
        () => 'cigar still answers 503',
        10_000,
      );
      expect(browser!.blocked).toEqual([]);
    }, 120_000);

    it('Given the changes made from the TUI and the browser, When the audit log is read, Then each is there with who made it', async () => {
      await page().goto(`${base}/audit`);
      const rows = page().locator('tr', { hasText: 'app.maintenance' });
      expect(await rows.count()).toBe(4);
      expect(await rows.nth(0).textContent()).toMatch(/admin.*app\.maintenance.*cigar.*off \(on since/);
      expect(await rows.nth(1).textContent()).toMatch(/admin.*app\.maintenance.*cigar.*on: Back at 15:00 from the browser\./);
      expect(await rows.nth(3).textContent()).toMatch(/app\.maintenance.*cigar.*on: Back at 14:00 from the TUI\./);
      const { entries } = JSON.parse((await hms(['audit', '--json'])).stdout) as { entries: Array<{ action: string; target: string }> };
      expect(entries.filter((e) => e.action === 'app.console' && e.target === 'cigar').length).toBe(3);
      await mkdir(path.resolve('test-artifacts'), { recursive: true });
      await browser!.page.screenshot({ path: path.resolve('test-artifacts', 'console-tui-audit.png'), fullPage: true });
    });
  });
});

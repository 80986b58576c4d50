/**
 * Deploys from the browser pages, in a real headless Chromium through nginx's TLS
 * vhost for the agent (self-signed certificate for hosting.test), against the
 * disposable Debian server of the deploy suite (tests/e2e/deploy-server.ts: the real
 * Rails sample app, bundler, rake, puma under systemd behind nginx): deploy with the
 * steps showing as they run, deploy again with JavaScript off, roll back from the
 * releases table, lock and unlock. Chromium may reach only the test server (see
 * tests/support/browser.ts). Screenshots of each step go to test-artifacts/.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockStatusSchema } from '../../src/api/deploys.js';
import { chromiumSupport, launchBrowser, type TestBrowser } from '../support/browser.js';
import { enableHostingVhost } from '../support/server-kit.js';
import { testServerSupport } from '../support/test-server.js';
import { startDeployContext, type DeployContext } from './deploy-context.js';
import { CHANGES, commitChange } from './deploy-server.js';
import { adminPassword, logInAsAdmin } from './deploy-web-browser.js';

const DOMAIN = 'hosting.test';
const BASE = `https://${DOMAIN}`;
const ARTIFACTS = path.resolve('test-artifacts');
const STEPS = ['lock', 'check', 'fetch', 'link', 'bundle', 'assets', 'migrate', 'switch', 'restart', 'health', 'record', 'prune'];
/** A real deploy of the Rails app takes 30 s and more on a loaded machine. */
const DEPLOY_MS = 240_000;

const server = testServerSupport();
const chromium = chromiumSupport();
const skipReason = !server.ok ? server.reason : !chromium.ok ? chromium.reason : undefined;
if (skipReason) console.warn(`[e2e] deploy web suite skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('deploys from the browser pages on a real server', { timeout: 420_000 }, () => {
  let ctx: DeployContext;
  let work: string;
  let browser: TestBrowser;
  let noScript: TestBrowser;
  const released: Record<string, string> = {};
  const shot = (b: TestBrowser, name: string) =>
    b.page.screenshot({ path: path.join(ARTIFACTS, `deploy-web-${name}.png`), fullPage: true });
  const shownRelease = async () => /sample release (\w+)/.exec((await ctx.page()).body)?.[1];

  /**
   * Sends the deploy form on cigar's page and follows the streamed page: whether the
   * fetch step's end showed while the outcome was not there yet, then the outcome.
   */
  async function deployFromPage(b: TestBrowser, reason: string): Promise<{ liveBeforeEnd: boolean; outcome: string }> {
    const { page } = b;
    await page.goto(`${BASE}/deploys/cigar`);
    await page.fill('#deploy-form input[name=reason]', reason);
    const response = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/deploys/cigar');
    await page.click('button:has-text("Deploy cigar now")');
    expect((await response).status()).toBe(200);
    await page.locator('#step-fetch').waitFor({ timeout: DEPLOY_MS });
    const liveBeforeEnd = (await page.locator('#outcome').count()) === 0;
    await page.locator('#outcome').waitFor({ timeout: DEPLOY_MS });
    return { liveBeforeEnd, outcome: (await page.textContent('#outcome')) ?? '' };
  }

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    ctx = await startDeployContext();
    work = await mkdtemp(path.join(tmpdir(), 'hms-deploy-web-'));
    await enableHostingVhost(ctx.server, DOMAIN, work);
    const address = { domain: DOMAIN, address: ctx.server.host };
    browser = await launchBrowser(address);
    noScript = await launchBrowser({ ...address, javaScript: false });
    const password = await adminPassword(ctx.server);
    await Promise.all([logInAsAdmin(browser, BASE, password), logInAsAdmin(noScript, BASE, password)]);
  });

  afterAll(async () => {
    try {
      await Promise.all([browser?.close(), noScript?.close()]);
    } finally {
      await ctx?.close();
      if (work) await rm(work, { recursive: true, force: true });
    }
  });

  it('Given a logged-in admin, When Deploys is opened from the menu, Then cigar is listed without a release or a lock', async () => {
    const page = browser.page;
    await Promise.all([page.waitForURL(`${BASE}/deploys`), page.click('nav a:has-text("Deploys")')]);
    const row = page.locator('tr', { has: page.locator('a[href="/deploys/cigar"]') });
    expect(await row.textContent()).toMatch(/cigar\s*none[\s\S]*not locked/);
    await shot(browser, '01-overview');
  });

  it(
    'Given cigar never deployed, When deployed from its page, ' +
      'Then the steps show while it runs, it succeeds, and nginx serves release one',
    async () => {
      const { liveBeforeEnd, outcome } = await deployFromPage(browser, 'first deploy from the browser');
      expect(liveBeforeEnd).toBe(true);
      await shot(browser, '02-deployed');
      expect(outcome).toMatch(/^Deployed cigar: release \d{14} \([0-9a-f]{12}\) is live in \d+\.\d s\.$/);
      // A first deploy has nothing to prune: that step may be skipped.
      for (const step of STEPS)
        expect(await browser.page.getAttribute(`#step-${step}`, 'class'), step).toMatch(
          step === 'prune' ? /^step (ok|muted)$/ : /^step ok$/,
        );
      expect(await browser.page.textContent('pre.out[data-step="migrate"]')).toMatch(/CreateVisits: migrated/);
      released.one = /release (\d{14})/.exec(outcome)![1]!;
      expect(await shownRelease()).toBe('one');

      await Promise.all([browser.page.waitForURL(`${BASE}/deploys/cigar`), browser.page.click('a:has-text("Back to cigar\'s deploys")')]);
      expect(await browser.page.textContent(`#release-${released.one}`)).toMatch(
        new RegExp(`→ ${released.one}\\s*current[\\s\\S]*main[\\s\\S]*admin[\\s\\S]*ok 200`),
      );
      await shot(browser, '03-releases');
    },
  );

  it(
    'Given commit two and JavaScript off, When deployed from the page, ' +
      'Then it streams and succeeds the same, and nginx serves release two',
    async () => {
      await commitChange(ctx.server, CHANGES.two, 'two');
      const { liveBeforeEnd, outcome } = await deployFromPage(noScript, 'second deploy, no JavaScript');
      expect(liveBeforeEnd).toBe(true);
      await shot(noScript, '04-deployed-no-js');
      expect(outcome).toMatch(/^Deployed cigar: release \d{14} \([0-9a-f]{12}\) is live/);
      expect(await noScript.page.textContent('#step-restart')).toMatch(/phased restart \(systemctl reload\)/);
      released.two = /release (\d{14})/.exec(outcome)![1]!;
      expect(await shownRelease()).toBe('two');
    },
  );

  it(
    'Given release two is live, When release one is rolled back to from the releases table after the confirmation, ' +
      'Then one serves again and the migration is warned about',
    async () => {
      const page = browser.page;
      await page.goto(`${BASE}/deploys/cigar`);
      await Promise.all([
        page.waitForURL(/\/deploys\/cigar\/rollback\?release=/),
        page.click(`#release-${released.one} a:has-text("Roll back to this")`),
      ]);
      expect(await page.textContent('h1')).toBe(`Roll cigar back to ${released.one}?`);
      expect(await page.textContent('#rollback-form')).toContain('The database keeps 1 migration(s)');
      await shot(browser, '05-rollback-confirm');
      await Promise.all([
        page.waitForURL(`${BASE}/deploys/cigar/rollback`),
        page.click(`button:has-text("Roll back cigar to ${released.one}")`),
      ]);
      expect(await page.textContent('#outcome')).toMatch(
        new RegExp(`^cigar: ${released.one} is live again \\(was ${released.two}\\), healthy`),
      );
      expect(await page.textContent('main')).toMatch(
        /The database keeps 1 migration\(s\) that \d{14} does not know: 20260102000000_add_note_to_visits\.rb/,
      );
      await shot(browser, '06-rolled-back');
      expect(await shownRelease()).toBe('one');
    },
  );

  it(
    'Given cigar is locked from its page, When a deploy is sent, ' +
      'Then a 423 page says who holds the lock and why, and unlocking from it lets deploys go ahead',
    async () => {
      const page = browser.page;
      await page.goto(`${BASE}/deploys/cigar`);
      await page.fill('#lock-form input[name=reason]', 'db maintenance from the browser');
      await Promise.all([page.waitForURL(`${BASE}/deploys/cigar?done=locked`), page.click('button:has-text("Lock cigar")')]);
      expect(await page.textContent('#lock-status')).toMatch(
        /cigar is locked by hand: held by admin since .* \(reason: db maintenance from the browser\)/,
      );

      const refused = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/deploys/cigar');
      await page.click('button:has-text("Deploy cigar now")');
      expect((await refused).status()).toBe(423);
      await page.locator('.error').waitFor();
      expect(await page.textContent('.error')).toMatch(
        /cigar is locked: held by admin since \S+ \(reason: db maintenance from the browser\)/,
      );
      expect(await page.locator('#step-lock').count()).toBe(0);
      await shot(browser, '07-deploy-refused');
      expect(await shownRelease()).toBe('one');

      await Promise.all([page.waitForURL(`${BASE}/deploys/cigar?done=unlocked`), page.click('button:has-text("Unlock cigar")')]);
      expect(await page.textContent('.notice')).toBe('cigar is unlocked: deploys can start again.');
      expect(await page.locator('#lock-form').count()).toBe(1);
      expect(lockStatusSchema.parse((await ctx.api('GET', '/api/deploys/cigar/lock')).json)).toMatchObject({ locked: false });
      const audit = (await ctx.api('GET', '/api/audit?limit=4')).json.entries.map(
        (e: { actor: string; action: string; result: string }) => `${e.actor} ${e.action}:${e.result}`,
      );
      expect(audit).toEqual(['admin deploy.unlock:ok', 'admin deploy:refused', 'admin deploy.lock:ok', 'admin rollback:ok']);
      await shot(browser, '08-unlocked');
    },
  );

  it(
    'Given the deploys, When the overview opens, ' +
      'Then it shows release one as current, deployed by admin, and Chromium never reached another host',
    async () => {
      await browser.page.goto(`${BASE}/deploys`);
      expect(await browser.page.textContent('table')).toMatch(new RegExp(`cigar\\s*${released.one}[\\s\\S]*admin[\\s\\S]*${released.two}`));
      await shot(browser, '09-overview-after');
      expect(browser.blocked).toEqual([]);
      expect(noScript.blocked).toEqual([]);
    },
  );
});

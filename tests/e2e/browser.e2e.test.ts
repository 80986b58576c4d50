/**
 * The browser pages in a real headless Chromium, through nginx's TLS vhost for the
 * agent (templates/nginx/hosting.conf with a self-signed certificate for
 * hosting.test) on the disposable Debian 12 test server: log in, restart an app,
 * follow its log live (with and without JavaScript), edit its nginx site, and mute and
 * unmute a rule on the Incidents page (the agent's real watcher).
 * Chromium may reach only the test server (see tests/support/browser.ts).
 * Screenshots of each step go to test-artifacts/.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME_ROOT } from '../../src/provision/steps/tls.js';
import { renderTemplate } from '../../src/provision/templates.js';
import { chromiumSupport, launchBrowser, type TestBrowser } from '../support/browser.js';
import { ADMIN_PASSWORD, AGENT_PORT, put, siteTlsValues } from '../support/server-kit.js';
import { testServerSupport } from '../support/test-server.js';
import { startAgentContext, type AgentContext } from './agent-context.js';

const DOMAIN = 'hosting.test';
const BASE = `https://${DOMAIN}`;
const ARTIFACTS = path.resolve('test-artifacts');
const CERT = '/etc/ssl/certs/hosting.test.crt';
const KEY = '/etc/ssl/private/hosting.test.key';

const server = testServerSupport();
const chromium = chromiumSupport();
const skipReason = !server.ok ? server.reason : !chromium.ok ? chromium.reason : undefined;
if (skipReason) console.warn(`[e2e] browser suite skipped: ${skipReason}`);

async function must(ctx: AgentContext, argv: string[]): Promise<string> {
  const result = await ctx.server.exec(argv, { timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`${argv.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** nginx in front of the agent, as provisioning sets it up, with a self-signed certificate. */
async function serveHostingVhost(ctx: AgentContext): Promise<void> {
  await must(ctx, [
    'openssl',
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${DOMAIN}`,
    '-addext',
    `subjectAltName=DNS:${DOMAIN}`,
    '-keyout',
    KEY,
    '-out',
    CERT,
  ]);
  await put(
    ctx.server,
    '/etc/nginx/sites-available/hosting',
    await renderTemplate('nginx/hosting.conf', {
      domain: DOMAIN,
      certPath: CERT,
      keyPath: KEY,
      agentPort: AGENT_PORT,
      acmeRoot: ACME_ROOT,
      ...(await siteTlsValues(ctx.server)),
    }),
  );
  await must(ctx, ['ln', '-sfn', '/etc/nginx/sites-available/hosting', '/etc/nginx/sites-enabled/hosting']);
  await must(ctx, ['nginx', '-t', '-q']);
  await must(ctx, ['systemctl', 'reload', 'nginx.service']);
  const probe = `curl -fsSk --resolve ${DOMAIN}:443:127.0.0.1 https://${DOMAIN}/api/health`;
  await must(ctx, ['sh', '-c', `for i in $(seq 50); do ${probe} >/dev/null && exit 0; sleep 0.2; done; exit 1`]);
}

/**
 * Status code of a page of an app, fetched through nginx inside the server; retried
 * for a few seconds while it is 502 (puma still binding its socket after a restart).
 */
async function appStatus(ctx: AgentContext, app: string, urlPath = '/'): Promise<string> {
  const curl = `curl -s -o /dev/null -w '%{http_code}' -H 'Host: ${app}.test' 'http://127.0.0.1${urlPath}'`;
  const script = `for i in $(seq 50); do code=$(${curl}); [ "$code" = 502 ] || break; sleep 0.2; done; printf %s "$code"`;
  return (await ctx.server.exec(['sh', '-c', script])).stdout;
}

describe.skipIf(skipReason !== undefined)('browser pages in Chromium through nginx', () => {
  let ctx: AgentContext | undefined;
  let browser: TestBrowser | undefined;
  let noScript: TestBrowser | undefined;
  const shot = (b: TestBrowser, name: string) => b.page.screenshot({ path: path.join(ARTIFACTS, `browser-${name}.png`), fullPage: true });
  const page = () => browser!.page;

  async function logIn(b: TestBrowser): Promise<void> {
    await b.page.goto(`${BASE}/`);
    expect(new URL(b.page.url()).pathname).toBe('/login');
    await b.page.fill('input[name=username]', 'admin');
    await b.page.fill('input[name=password]', ADMIN_PASSWORD);
    await Promise.all([b.page.waitForURL(`${BASE}/`), b.page.click('button:has-text("Log in")')]);
  }

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    ctx = await startAgentContext();
    await serveHostingVhost(ctx);
    const address = { domain: DOMAIN, address: ctx.server.host };
    browser = await launchBrowser(address);
    noScript = await launchBrowser({ ...address, javaScript: false });
  });

  afterAll(async () => {
    try {
      await Promise.all([browser?.close(), noScript?.close()]);
    } finally {
      await ctx?.close();
    }
  });

  it('Given the login page over TLS, When admin logs in, Then the dashboard lists both apps', async () => {
    await logIn(browser!);
    for (const app of ['cigar', 'tobacco']) await expect(page().locator('td strong', { hasText: app }).count()).resolves.toBe(1);
    await shot(browser!, '01-dashboard');
  }, 60_000);

  it('Given the dashboard, When cigar is restarted after the confirmation page, Then the notice says it is active again', async () => {
    await page().click('a[href="/apps/cigar/restart"]');
    expect(await page().textContent('h1')).toBe('Restart cigar?');
    await shot(browser!, '02-restart-confirm');
    await Promise.all([page().waitForURL(/\/\?done=/), page().click('button:has-text("Restart cigar")')]);
    expect(await page().textContent('.notice')).toBe('restart cigar: now active');
    await shot(browser!, '03-restarted');
  }, 60_000);

  it("Given cigar's production log in live mode, When the app serves a page, Then its line appears without a reload", async () => {
    await page().goto(`${BASE}/logs?source=cigar%3Aproduction&live=1`);
    await page().locator('#live-status', { hasText: 'following new lines' }).waitFor({ timeout: 15_000 });
    expect(await page().locator('#log .line .ts').count()).toBeGreaterThan(0);
    const marker = `/e2e-live-js-${Date.now()}`;
    expect(await appStatus(ctx!, 'cigar', marker)).toBe('200');
    await page().locator('#log .line', { hasText: marker }).waitFor({ timeout: 15_000 });
    await shot(browser!, '04-logs-live');
  }, 60_000);

  it('Given JavaScript is off, When the live log is open, Then the page refreshes itself and shows the new line', async () => {
    await logIn(noScript!);
    await noScript!.page.goto(`${BASE}/logs?source=cigar%3Aproduction&live=1`);
    expect(await noScript!.page.isHidden('#pause')).toBe(true);
    const marker = `/e2e-live-nojs-${Date.now()}`;
    expect(await appStatus(ctx!, 'cigar', marker)).toBe('200');
    await noScript!.page.locator('#log .line', { hasText: marker }).waitFor({ timeout: 15_000 });
    await shot(noScript!, '05-logs-live-no-js');
  }, 60_000);

  it("Given cigar's site, When an invalid directive is saved, " +
    "Then nginx's error is shown, the typed text is kept and the app is still served", async () => {
    await page().goto(`${BASE}/configs/cigar`);
    const original = await page().inputValue('textarea[name=content]');
    expect(original).toContain('server_name cigar.test;');
    await page().fill('textarea[name=content]', `proxy_foo bar;\n${original}`);
    await Promise.all([page().waitForURL(`${BASE}/configs/cigar`), page().click('button:has-text("Test with nginx -t and save")')]);
    expect(await page().textContent('.error')).toContain('unknown directive "proxy_foo"');
    expect(await page().inputValue('textarea[name=content]')).toBe(`proxy_foo bar;\n${original}`);
    // The submitted text, highlighted on the server, with the line nginx named marked and linked.
    expect(await page().textContent('li#yours-L1.rejected')).toContain('proxy_foo bar;');
    expect(await page().locator('#yours-L1 ~ li .hljs-attribute', { hasText: 'server_name' }).count()).toBeGreaterThan(0);
    const colors = await page().evaluate(() =>
      ['.nginx .hljs-attribute', '.nginx li'].map((selector) => getComputedStyle(document.querySelector(selector)!).color),
    );
    expect(colors[0]).not.toBe(colors[1]);
    await page().click('a[href="#yours-L1"]');
    expect(new URL(page().url()).hash).toBe('#yours-L1');
    expect(await appStatus(ctx!, 'cigar')).toBe('200');
    await shot(browser!, '06-config-rejected');
  }, 60_000);

  it('Given a valid edit, When saved, Then nginx serves the new config and the history can revert it', async () => {
    await page().goto(`${BASE}/configs/cigar`);
    const original = await page().inputValue('textarea[name=content]');
    await page().fill('textarea[name=content]', original.replace('    root ', '    add_header X-Hms-E2e "edited" always;\n    root '));
    await Promise.all([page().waitForURL(/\/configs\/cigar\?done=/), page().click('button:has-text("Test with nginx -t and save")')]);
    expect(await page().textContent('.notice')).toMatch(/^Saved cigar: nginx accepted it and was reloaded/);
    const live = await readFile(path.join(ctx!.server.rootDir, '/etc/nginx/sites-available/cigar'), 'utf8');
    expect(live).toContain('add_header X-Hms-E2e "edited" always;');
    expect(live).not.toContain('\r');
    const headers = await must(ctx!, ['curl', '-sS', '-D', '-', '-o', '/dev/null', '-H', 'Host: cigar.test', 'http://127.0.0.1/']);
    expect(headers).toMatch(/^x-hms-e2e: edited\r?$/im);
    await shot(browser!, '07-config-saved');

    await page().click('a:has-text("Revert")');
    await shot(browser!, '08-revert-confirm');
    await Promise.all([page().waitForURL(/\/configs\/cigar\?done=/), page().click('button:has-text("Revert cigar")')]);
    expect(await page().textContent('.notice')).toMatch(/^Reverted cigar/);
    expect(await readFile(path.join(ctx!.server.rootDir, '/etc/nginx/sites-available/cigar'), 'utf8')).toBe(original);
    expect(await appStatus(ctx!, 'cigar')).toBe('200');
    expect(browser!.blocked).toEqual([]);
    expect(noScript!.blocked).toEqual([]);
  }, 60_000);

  it('Given the Incidents page over the real watcher, When the disk rule is muted, then unmuted, Then it says so, audited', async () => {
    await page().goto(`${BASE}/incidents`);
    expect(await page().textContent('h1')).toBe('Incidents');
    expect(
      await page()
        .locator('h2', { hasText: /^Open \(\d+\)$/ })
        .count(),
    ).toBe(1);
    await page().selectOption('form.fields select[name=target]', 'disk');
    await page().selectOption('form.fields select[name=duration]', '30m');
    await Promise.all([page().waitForURL(/\/incidents\?done=/), page().click('form.fields button:has-text("Mute")')]);
    expect(await page().textContent('.notice')).toBe('disk muted for 30m: its incidents are listed but not sent.');
    await shot(browser!, '09-incidents-muted');
    await Promise.all([page().waitForURL(/\/incidents\?done=/), page().click('button:has-text("Unmute disk")')]);
    expect(await page().textContent('.notice')).toBe('disk unmuted: its alerts are sent again.');
    const audit = await ctx!.api('GET', '/api/audit?limit=10');
    const actions = (audit.json as { entries: Array<{ action: string; target: string }> }).entries.map((e) => `${e.action} ${e.target}`);
    expect(actions).toEqual(expect.arrayContaining(['alerts.mute disk', 'alerts.unmute disk']));
  }, 60_000);
});

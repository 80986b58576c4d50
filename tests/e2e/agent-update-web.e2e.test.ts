/**
 * The agent updating itself from its browser page, in a real headless Chromium
 * through nginx's TLS vhost on the disposable Debian 12 test server: a bundle
 * uploaded from the form goes live, a bundle that cannot start is rolled back while
 * the agent keeps answering, and a kept release is restored from the list. The
 * browser stays logged in across each restart. Screenshots go to test-artifacts/.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseIdOf } from '../../src/api/agent.js';
import { healthSchema } from '../../src/api/core.js';
import { readAgentBundle } from '../../src/client/agent-bundle.js';
import { chromiumSupport, launchBrowser, type TestBrowser } from '../support/browser.js';
import { ADMIN_PASSWORD, enableHostingVhost, installAgentRelease } from '../support/server-kit.js';
import { testServerSupport } from '../support/test-server.js';
import { waitUntil } from '../support/wait-for.js';
import { startAgentContext, type AgentContext } from './agent-context.js';

const DOMAIN = 'hosting.test';
const BASE = `https://${DOMAIN}`;
const ARTIFACTS = path.resolve('test-artifacts');
/** A switch that fails waits out the activator's 20 s health check, then restarts the old release. */
const OUTCOME_MS = 90_000;

const server = testServerSupport();
const chromium = chromiumSupport();
const skipReason = !server.ok ? server.reason : !chromium.ok ? chromium.reason : undefined;
if (skipReason) console.warn(`[e2e] agent update web suite skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('agent self-update from the browser', { timeout: 180_000 }, () => {
  let ctx: AgentContext;
  let browser: TestBrowser;
  let work: string;
  /** The release provisioning installed, named as `hms deploy-hosting-api` names it. */
  let first: string;
  /** The release uploaded from the browser in the first step. */
  let uploaded: string;
  const page = () => browser.page;
  const shot = (name: string) => page().screenshot({ path: path.join(ARTIFACTS, `agent-update-web-${name}.png`), fullPage: true });
  const health = async () => healthSchema.parse((await ctx.api('GET', '/api/health')).json);

  async function waitForRelease(release: string): Promise<void> {
    const runs = async () => (await health().catch(() => undefined))?.release === release;
    if (!(await waitUntil(runs, 30_000, 300))) throw new Error(`the agent did not come up as ${release}`);
  }

  /** A file named hms-agent.mjs, as a person picks it from dist/. */
  async function bundleFile(name: string, content: string): Promise<string> {
    const file = path.join(work, name, 'hms-agent.mjs');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    return file;
  }

  /** Uploads from the form with "Upload and switch"; resolves on the page the form redirects to. */
  async function uploadAndSwitch(file: string): Promise<void> {
    await page().goto(`${BASE}/agent`);
    await page().setInputFiles('input[name=bundle]', file);
    await Promise.all([page().waitForURL(/\/agent\?done=/), page().click('button:has-text("Upload and switch")')]);
  }

  /** The outcome the page ends showing, once it has followed the restart on its own. */
  async function outcome(): Promise<string> {
    await page()
      .locator('#update-status', { hasText: /^(active|rolled-back|failed)$/ })
      .waitFor({ timeout: OUTCOME_MS });
    return (await page().textContent('#update-status'))!;
  }

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    work = await mkdtemp(path.join(tmpdir(), 'hms-agent-web-'));
    ctx = await startAgentContext();
    // The agent as provisioning installs it: a release named <version>-<hash> of dist/ and remote-cli-tools/.
    first = (await readAgentBundle()).release;
    await installAgentRelease(ctx.server, first);
    expect((await ctx.server.exec(['systemctl', 'restart', 'hms-agent.service'], { timeoutMs: 60_000 })).code).toBe(0);
    await waitForRelease(first);
    await enableHostingVhost(ctx.server, DOMAIN, work);
    browser = await launchBrowser({ domain: DOMAIN, address: ctx.server.host });
    await page().goto(`${BASE}/agent`);
    expect(new URL(page().url()).pathname).toBe('/login');
    await page().fill('input[name=username]', 'admin');
    await page().fill('input[name=password]', ADMIN_PASSWORD);
    await Promise.all([page().waitForURL(`${BASE}/agent`), page().click('button:has-text("Log in")')]);
  });

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await ctx?.close();
    }
  });

  it(
    'Given a new build of dist/hms-agent.mjs, When uploaded and switched from the page, ' +
      'Then the page ends showing it active, the agent runs it and the scripts still work',
    async () => {
      expect(await page().textContent(`tr[data-release="${first}"] td.ok`)).toBe('current, running');
      const { version } = await health();
      expect(await page().inputValue('input[name=version]')).toBe(version);
      await shot('01-releases');

      const bundle = `${await readFile(path.resolve('dist/hms-agent.mjs'), 'utf8')}\n// built again, uploaded from the browser\n`;
      const tools = (await readAgentBundle()).files.filter((file) => file.name !== 'hms-agent.mjs');
      uploaded = releaseIdOf(version, [{ name: 'hms-agent.mjs', content: Buffer.from(bundle) }, ...tools]);
      await uploadAndSwitch(await bundleFile('new', bundle));
      expect(await page().textContent('#done')).toContain(
        `Uploaded release ${uploaded} (the bundle, ` +
          `with ${tools.length} remote-cli-tools copied from ${first}). Switching from ${first} to ${uploaded}.`,
      );
      await shot('02-restarting');

      expect(await outcome()).toBe('active');
      // The page followed the restart without a new log-in: the session outlived the process.
      expect(new URL(page().url()).pathname).toBe('/agent');
      expect(await page().textContent(`tr[data-release="${uploaded}"] td.ok`)).toBe('current, running');
      await shot('03-active');
      expect((await health()).release).toBe(uploaded);
      const scripts = (await ctx.api('GET', '/api/scripts')).json as { scripts: unknown[] };
      expect(scripts.scripts).toHaveLength(tools.length);
      const audit = (await ctx.api('GET', '/api/audit?limit=10')).json.entries as Array<{ action: string; target: string; actor: string }>;
      expect(audit).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ action: 'agent.upload', target: uploaded, actor: 'admin' }),
          expect.objectContaining({ action: 'agent.activate', target: uploaded, actor: 'admin' }),
        ]),
      );
    },
  );

  it(
    'Given a bundle that exits at once, When uploaded and switched, ' +
      'Then the page ends showing it rolled back and the agent keeps answering',
    async () => {
      await uploadAndSwitch(await bundleFile('broken', "console.error('this release is broken'); process.exit(3);\n"));
      expect(await page().isVisible('#restarting')).toBe(true);
      expect(await outcome()).toBe('rolled-back');
      expect(await page().textContent('#outcome')).toMatch(
        new RegExp(`failed its health check and was rolled back to ${uploaded.replace(/\./g, '\\.')}; the agent keeps answering`),
      );
      expect(await page().textContent('#update-detail')).toContain('did not answer /api/health');
      await shot('04-rolled-back');
      expect((await health()).release).toBe(uploaded);
      expect((await ctx.api('GET', '/api/apps')).status).toBe(200);
      expect(await page().textContent(`tr[data-release="${uploaded}"] td.ok`)).toBe('current, running');
    },
  );

  it('Given the release provisioning installed, When restored from the list after the confirmation, Then it runs again', async () => {
    await page().goto(`${BASE}/agent`);
    await page().click(`tr[data-release="${first}"] a:has-text("Switch to this release")`);
    expect(await page().textContent('h1')).toBe(`Switch the agent to ${first}?`);
    await shot('05-restore-confirm');
    await Promise.all([page().waitForURL(/\/agent\?done=/), page().click(`button:has-text("Switch to ${first}")`)]);
    expect(await outcome()).toBe('active');
    expect(await page().textContent(`tr[data-release="${first}"] td.ok`)).toBe('current, running');
    await shot('06-restored');
    expect((await health()).release).toBe(first);
    expect(browser.blocked).toEqual([]);
  });
});

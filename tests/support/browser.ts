/**
 * A real headless Chromium (the distribution's, driven by playwright-core) for the
 * browser e2e suite. It may reach ONE host: the resolver maps the test domain to the
 * test server and fails every other name, and every request for another host is
 * aborted and recorded, so a page that tried to load something from elsewhere fails
 * its test. Each launch gets a fresh profile in a temp folder, removed on close.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function chromiumSupport(): { ok: true } | { ok: false; reason: string } {
  return existsSync(CHROMIUM) ? { ok: true } : { ok: false, reason: `no Chromium at ${CHROMIUM}: apt-get install chromium` };
}

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** URLs the browser tried to fetch from any host but the allowed one. */
  blocked: string[];
  /** Idempotent; closes Chromium and removes its profile. */
  close(): Promise<void>;
}

export async function launchBrowser(options: { domain: string; address: string; javaScript?: boolean }): Promise<TestBrowser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'hms-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      ignoreHTTPSErrors: true, // the test server's certificate is self-signed
      javaScriptEnabled: options.javaScript ?? true,
      viewport: { width: 1000, height: 900 },
      timeout: 30_000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--host-resolver-rules=MAP ${options.domain} ${options.address}, MAP * ~NOTFOUND`,
      ],
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === options.domain) return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let closing: Promise<void> | undefined;
  return {
    context,
    page,
    blocked,
    close() {
      closing ??= context
        .close()
        .catch(() => undefined)
        .finally(() => rm(profile, { recursive: true, force: true }));
      return closing;
    },
  };
}

/**
 * A real headless Chromium (the distribution's, driven by playwright-core) for the
 * browser e2e suite. It may reach ONE host: the resolver maps the test domain to the
 * test server and fails every other name, and every request for another host is
 * aborted and recorded, so a page that tried to load something from elsewhere fails
 * its test. Each launch gets a fresh profile in a temp folder, removed on close.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

const certutil = (args: string[]) =>
  new Promise<void>((resolve, reject) =>
    execFile('certutil', args, { timeout: 20_000, maxBuffer: 1024 * 1024 }, (error, _out, stderr) =>
      error ? reject(new Error(`certutil ${args[0]}: ${stderr || error.message}`)) : resolve(),
    ),
  );

/** An NSS database under `home` (where Chromium on Linux reads its trust) that trusts `rootPem` to identify sites. */
async function trustingHome(home: string, rootPem: string): Promise<void> {
  const db = path.join(home, '.pki', 'nssdb');
  await mkdir(db, { recursive: true });
  await certutil(['-N', '-d', `sql:${db}`, '--empty-password']);
  await writeFile(path.join(home, 'root.pem'), rootPem);
  await certutil(['-A', '-d', `sql:${db}`, '-n', 'test-root', '-t', 'C,,', '-i', path.join(home, 'root.pem')]);
}

/**
 * `trustRoot`: a CA certificate (PEM) the browser trusts, and then certificate errors
 * are errors; without it the test server's self-signed certificates are accepted.
 */
export async function launchBrowser(options: {
  domain: string;
  address: string;
  javaScript?: boolean;
  trustRoot?: string;
}): Promise<TestBrowser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'hms-chromium-'));
  let context: BrowserContext;
  try {
    const home = path.join(profile, 'home');
    if (options.trustRoot) await trustingHome(home, options.trustRoot);
    context = await chromium.launchPersistentContext(path.join(profile, 'data'), {
      executablePath: CHROMIUM,
      headless: true,
      ignoreHTTPSErrors: !options.trustRoot,
      ...(options.trustRoot ? { env: { ...process.env, HOME: home } } : {}),
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
  retryNavigationOnNetworkChange(page);
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

/**
 * Chromium aborts a request with net::ERR_NETWORK_CHANGED when any interface of the
 * host changes address, which other suites do when they boot test servers (a veth
 * each) beside this one. A navigation (a GET) that met it is tried once more; any
 * other error, or a second one, fails the test as before.
 */
function retryNavigationOnNetworkChange(page: Page): void {
  const goto = page.goto.bind(page);
  page.goto = async (url, options) => {
    try {
      return await goto(url, options);
    } catch (error) {
      if (!String(error).includes('net::ERR_NETWORK_CHANGED')) throw error;
      return goto(url, options);
    }
  };
}

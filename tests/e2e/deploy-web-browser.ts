/**
 * A Chromium (tests/support/browser.ts) logged in to the agent's pages on a test
 * server, for the browser e2e suites: the admin password is the one the server's
 * secrets file holds, typed into the real login form.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestBrowser } from '../support/browser.js';
import type { TestServer } from '../support/test-server.js';

/** The browser login's password, as set up in the server's /etc/hosting-api/secrets.json. */
export async function adminPassword(server: TestServer): Promise<string> {
  const secrets = JSON.parse(await readFile(path.join(server.rootDir, 'etc/hosting-api/secrets.json'), 'utf8'));
  return secrets.hosting_management.admin_password as string;
}

/** Opens `base`, lands on the login page, logs in as admin and waits for the dashboard. */
export async function logInAsAdmin(browser: TestBrowser, base: string, password: string): Promise<void> {
  const { page } = browser;
  await page.goto(`${base}/`);
  if (new URL(page.url()).pathname !== '/login') throw new Error(`expected the login page, got ${page.url()}`);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button:has-text("Log in")')]);
}

/**
 * The /deploys pages' fixture: the deploy agent of deploy-agent.ts with a browser
 * session logged in, and what the page tests read back (the lock file, the audit
 * log, the releases folder).
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { BrowserSession } from './browser-session.js';
import { deployAgent, lockFileOf, type DeployAgent } from './deploy-agent.js';

export interface DeployPages extends DeployAgent {
  browser: BrowserSession;
}

export async function deployPages(): Promise<DeployPages> {
  const { target, agent } = await deployAgent();
  const browser = new BrowserSession(agent);
  await browser.login();
  return { target, agent, browser };
}

/** The release a deploy page says went live. */
export const releaseIn = (page: string) => /release (\d{14}) \([0-9a-f]{12}\) is live/.exec(page)?.[1];

/** Reads and actions on the pages `current()` gives (read when called: a beforeEach makes them). */
export function pageHelpers(current: () => DeployPages) {
  const lockFile = () => lockFileOf(current().agent);
  /** The newest audit entries but the session's login. */
  const audit = async (n = 1) =>
    (await current().agent.deps.audit.recent(50))
      .filter((e) => e.action !== 'login')
      .slice(0, n)
      .map((e) => ({ actor: e.actor, action: e.action, result: e.result, detail: e.detail }));
  const releaseIds = async () => (await readdir(path.join(current().target.root, 'releases'))).sort();

  /** A deploy from the page, read to its end. */
  async function deployFromPage(fields: Record<string, string> = {}): Promise<string> {
    const response = await current().browser.submit('/deploys/cigar', { ref: 'main', reason: '', ...fields });
    expect(response.status).toBe(200);
    return response.text();
  }

  /** A lock held by a running deploy of another process (pid 1 is always alive). */
  async function runningDeployLock(): Promise<void> {
    await mkdir(path.dirname(lockFile()), { recursive: true });
    await writeFile(
      lockFile(),
      JSON.stringify({
        app: 'cigar',
        by: 'alice',
        at: '2026-01-25T10:02:00.000Z',
        reason: 'deploy main',
        kind: 'deploy',
        pid: 1,
        token: 'x',
      }),
    );
  }

  return { lockFile, audit, releaseIds, deployFromPage, runningDeployLock };
}

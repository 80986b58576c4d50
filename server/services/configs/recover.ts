/**
 * Crash recovery, run once when the agent starts: a change that died between staging
 * and the swap left only temp files (the live file changes by rename alone), so
 * removing them restores a clean state. A lock left by a dead agent goes too.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { AgentDeps } from '../../env.js';
import { STAGED_SUFFIX } from './files.js';
import { isStaleLock, sitesLockFile } from './lock.js';
import { TEST_CONFIG_PATTERN } from './check.js';

const STAGED_PATTERN = new RegExp(`^\\..+${STAGED_SUFFIX.replace(/\./g, '\\.')}$`);

async function removeMatching(dir: string, pattern: RegExp): Promise<string[]> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  const leftovers = entries.filter((entry) => pattern.test(entry)).map((entry) => path.join(dir, entry));
  await Promise.all(leftovers.map((file) => rm(file, { force: true })));
  return leftovers;
}

/** Removes leftover staged copies, temporary test configs and a dead agent's lock; returns what it removed. */
export async function recoverSites(deps: Pick<AgentDeps, 'config' | 'clock'>): Promise<string[]> {
  const { nginx, stateDir } = deps.config;
  const removed = [
    ...(await removeMatching(nginx.sitesDir, STAGED_PATTERN)),
    ...(await removeMatching(path.dirname(nginx.mainConfig), TEST_CONFIG_PATTERN)),
  ];
  const lock = sitesLockFile(stateDir);
  if (await isStaleLock(lock, deps.clock(), true)) {
    await rm(lock, { force: true });
    removed.push(lock);
  }
  return removed;
}

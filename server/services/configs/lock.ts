/**
 * One site change at a time: a lock file in stateDir created with O_EXCL and always
 * removed by its holder. A lock older than two minutes whose process is gone (an
 * agent that crashed mid-change) may be broken.
 */
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../../errors.js';

export const STALE_LOCK_MS = 2 * 60 * 1000;

export interface LockHolder {
  pid: number;
  actor: string;
  site: string;
  at: string;
}

export function sitesLockFile(stateDir: string): string {
  return path.join(stateDir, 'nginx-sites.lock');
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readLockHolder(file: string): Promise<LockHolder | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}

/** True when the lock's holder is gone (and, unless `anyAge`, the lock is older than 2 minutes). */
export async function isStaleLock(file: string, now: Date, anyAge = false): Promise<boolean> {
  const info = await stat(file).catch(() => null);
  if (!info) return false;
  const holder = await readLockHolder(file);
  const old = anyAge || now.getTime() - info.mtime.getTime() > STALE_LOCK_MS;
  return old && (holder === null || !Number.isInteger(holder.pid) || !isProcessAlive(holder.pid));
}

async function acquire(file: string, holder: LockHolder): Promise<boolean> {
  try {
    const handle = await open(file, 'wx', 0o600);
    await handle.writeFile(JSON.stringify(holder));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

export async function withSitesLock<T>(
  options: { stateDir: string; actor: string; site: string; clock: () => Date },
  work: () => Promise<T>,
): Promise<T> {
  await mkdir(options.stateDir, { recursive: true, mode: 0o750 });
  const file = sitesLockFile(options.stateDir);
  const holder: LockHolder = { pid: process.pid, actor: options.actor, site: options.site, at: options.clock().toISOString() };
  let held = await acquire(file, holder);
  if (!held && (await isStaleLock(file, options.clock()))) {
    await rm(file, { force: true });
    held = await acquire(file, holder);
  }
  if (!held) {
    const other = await readLockHolder(file);
    const who = other ? `${other.actor} (site ${other.site}, since ${other.at})` : 'another request';
    throw new ApiError(423, `Another nginx config change is in progress by ${who}.`, {
      hint: `Retry in a moment. A lock left by a stopped agent is broken after 2 minutes (${file}).`,
      details: { holder: other },
    });
  }
  try {
    return await work();
  } finally {
    await rm(file, { force: true });
  }
}

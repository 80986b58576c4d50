/**
 * The deploy lock: one deploy (or rollback) per app at a time. A JSON file in
 * <stateDir>/locks/<app>.json created with O_EXCL, so two agents' requests cannot
 * both win; it says who, since when, why, and which process holds it. The app name
 * has been looked up in the config's allow-list before it gets here.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { deployLockSchema, type DeployLock } from '../../../src/api/deploys.js';
import { ApiError } from '../../errors.js';

const storedLockSchema = deployLockSchema.omit({ stale: true }).extend({ token: z.string() });
type StoredLock = z.infer<typeof storedLockSchema>;

/** Tokens of the locks this process holds: a lock naming this pid but not here is left over from a crash. */
const held = new Set<string>();

export interface LockOptions {
  stateDir: string;
  app: string;
  by: string;
  reason: string;
  kind: DeployLock['kind'];
  clock: () => Date;
}

export interface HeldLock {
  lock: DeployLock;
  /** Removes the lock file if it is still this one (never someone else's later lock). */
  release(): Promise<void>;
}

export function lockFile(stateDir: string, app: string): string {
  return path.join(stateDir, 'locks', `${app}.json`);
}

/** Takes the lock or throws 423 saying who holds it, since when and why. */
export async function acquireLock(options: LockOptions): Promise<HeldLock> {
  const file = lockFile(options.stateDir, options.app);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o750 });
  const stored: StoredLock = {
    app: options.app,
    by: options.by,
    at: options.clock().toISOString(),
    reason: options.reason,
    kind: options.kind,
    pid: options.kind === 'manual' ? null : process.pid,
    token: randomUUID(),
  };
  try {
    const handle = await open(file, 'wx', 0o640);
    try {
      await handle.writeFile(`${JSON.stringify(stored)}\n`);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const current = await readLock(options.stateDir, options.app);
    throw current ? lockedError(current) : new ApiError(423, `The deploy lock of ${options.app} is being changed; try again.`);
  }
  if (stored.kind !== 'manual') held.add(stored.token);
  return {
    lock: publicLock(stored),
    release: async () => {
      held.delete(stored.token);
      const now = await readStored(file);
      if (now?.token === stored.token) await rm(file, { force: true });
    },
  };
}

/** The lock on an app, or null; `stale` when the process that took it is gone. */
export async function readLock(stateDir: string, app: string): Promise<DeployLock | null> {
  const stored = await readStored(lockFile(stateDir, app));
  return stored ? publicLock(stored) : null;
}

/**
 * `hms unlock`: removes a manual or stale lock. A deploy that is running keeps its
 * lock (it is released when the deploy ends, whatever happens): 409.
 */
export async function removeLock(stateDir: string, app: string): Promise<DeployLock | null> {
  const file = lockFile(stateDir, app);
  const stored = await readStored(file);
  if (!stored) return null;
  const lock = publicLock(stored);
  if (lock.kind !== 'manual' && !lock.stale) {
    throw new ApiError(409, `A ${lock.kind} of ${app} by ${lock.by} is running (since ${lock.at}); its lock goes when it ends.`, {
      hint: 'Wait for it to finish; `hms releases` shows the outcome.',
      details: { lock },
    });
  }
  await rm(file, { force: true });
  return lock;
}

export function lockedError(lock: DeployLock): ApiError {
  const what = lock.kind === 'manual' ? 'locked' : `locked by a running ${lock.kind}`;
  const stale = lock.stale ? ' The process that took it is gone (stale lock): check the app, then unlock.' : '';
  return new ApiError(423, `${lock.app} is ${what}: held by ${lock.by} since ${lock.at} (reason: ${lock.reason}).${stale}`, {
    hint: `Wait, or run \`hms unlock ${lock.app}\`.`,
    details: { lock },
  });
}

function publicLock(stored: StoredLock): DeployLock {
  const { token, ...lock } = stored;
  return { ...lock, stale: stored.pid !== null && !processHolds(stored.pid, token) };
}

function processHolds(pid: number, token: string): boolean {
  if (pid === process.pid) return held.has(token);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readStored(file: string): Promise<StoredLock | null> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (text === null) return null;
  try {
    return storedLockSchema.parse(JSON.parse(text));
  } catch {
    // A torn or hand-edited file still locks; it says so instead of vanishing.
    return {
      app: path.basename(file, '.json'),
      by: 'unknown',
      at: new Date(0).toISOString(),
      reason: `unreadable lock file ${file}`,
      kind: 'manual',
      pid: null,
      token: '',
    };
  }
}

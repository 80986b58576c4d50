/**
 * `hms lock` / `hms unlock` / the lock's status: the deploy lock taken and removed by
 * hand (say, during a database migration done by hand), audited.
 */
import type { LockStatus, UnlockResult } from '../../../src/api/deploys.js';
import type { AgentDeps } from '../../env.js';
import { allowed, ApiError } from '../../errors.js';
import { acquireLock, readLock, removeLock } from './lock.js';

interface Options {
  deps: AgentDeps;
  name: string;
}

export async function lockStatus({ deps, name }: Options): Promise<LockStatus> {
  allowed('app', name, deps.config.apps);
  const lock = await readLock(deps.config.stateDir, name);
  return { app: name, locked: lock !== null, lock };
}

export async function lockApp({ deps, name, actor, reason }: Options & { actor: string; reason: string }): Promise<LockStatus> {
  allowed('app', name, deps.config.apps);
  try {
    const held = await acquireLock({ stateDir: deps.config.stateDir, app: name, by: actor, reason, kind: 'manual', clock: deps.clock });
    await deps.audit.record({ actor, action: 'deploy.lock', target: name, result: 'ok', detail: `reason: ${reason}` });
    return { app: name, locked: true, lock: held.lock };
  } catch (error) {
    await deps.audit.record({ actor, action: 'deploy.lock', target: name, result: 'refused', detail: (error as Error).message });
    throw error;
  }
}

export async function unlockApp({ deps, name, actor }: Options & { actor: string }): Promise<UnlockResult> {
  allowed('app', name, deps.config.apps);
  try {
    const removed = await removeLock(deps.config.stateDir, name);
    if (!removed) throw new ApiError(404, `${name} is not locked.`, { hint: `\`hms deploy ${name}\` can go ahead.` });
    const stale = removed.stale ? ' (stale)' : '';
    const held = `${removed.kind}${stale} lock held by ${removed.by} since ${removed.at} (reason: ${removed.reason})`;
    await deps.audit.record({ actor, action: 'deploy.unlock', target: name, result: 'ok', detail: `removed the ${held}` });
    return { app: name, unlocked: true, lock: removed };
  } catch (error) {
    await deps.audit.record({ actor, action: 'deploy.unlock', target: name, result: 'refused', detail: (error as Error).message });
    throw error;
  }
}

/**
 * `hms restore <app> <snapshot>`: one of the app's snapshots becomes its live database.
 * Under the app's deploy lock: a safety backup of what is live, the snapshot restored
 * into a new database while the app still serves and its row counts checked (refused
 * here, nothing changed, when the repository or the snapshot is damaged); then
 * maintenance on, the swap by rename (the replaced database kept as
 * `<db>_before_restore_<time>`), the app restarted and health-checked, maintenance off.
 * A failure after the swap swaps back. Every step is audited.
 */
import type { BackupSnapshot, RestoreResult } from '../../../src/api/backups.js';
import type { AgentDeps } from '../../env.js';
import { allowed, ApiError } from '../../errors.js';
import { acquireLock, type HeldLock } from '../deploys/index.js';
import { listBackups, runBackup } from './backup.js';
import { countRows, databaseFor } from './database.js';
import { maintenanceOff, maintenanceOn } from './maintenance.js';
import { restartHealthy } from './restart.js';
import { keptName, restoringName } from './restore-sql.js';
import { dropDatabase, dropLeftovers, restoreBeside, swapBack, swapIn } from './swap.js';

export interface RestoreOptions {
  deps: AgentDeps;
  app: string;
  actor: string;
  snapshot: string;
  dryRun?: boolean;
  /** A rollback that restores first holds the lock already. */
  lock?: HeldLock;
  healthDeadlineMs?: number;
}

/** The app's snapshot that `wanted` names (full or short id), or 404 with nothing run. */
export async function findSnapshot(deps: AgentDeps, app: string, wanted: string): Promise<BackupSnapshot> {
  const { snapshots } = await listBackups({ deps, app });
  const found = snapshots.filter((s) => s.id === wanted || s.id.startsWith(wanted));
  if (found.length !== 1) {
    throw new ApiError(404, `${found.length ? `${wanted} names more than one` : `There is no backup ${wanted}`} of ${app}.`, {
      hint: `\`hms backups ${app}\` lists them; give the id shown there.`,
    });
  }
  return found[0]!;
}

export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const { deps, app, actor } = options;
  allowed('app', app, deps.config.apps);
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  const audit = (action: string, result: 'ok' | 'failed' | 'refused', detail: string) =>
    deps.audit.record({ actor, action: `backup.restore${action}`, target: app, result, detail });
  const refuse = async (error: unknown): Promise<never> => {
    await audit('', 'refused', (error as Error).message);
    throw error;
  };
  const live = await databaseFor({ deps, app }).catch(refuse);
  const snapshot = await findSnapshot(deps, app, options.snapshot).catch(refuse);
  const base = { app, snapshot: snapshot.id, ...(snapshot.rows ? { snapshotRows: snapshot.rows } : {}) };
  if (options.dryRun) {
    const liveRows = await countRows(deps, live);
    return { ...base, ok: true, unchanged: true, liveRows, steps: ['dry run: nothing changed'], seconds: seconds() };
  }
  const lock =
    options.lock ??
    (await acquireLock({
      stateDir: deps.config.stateDir,
      app,
      by: actor,
      reason: `restore of backup ${snapshot.shortId}`,
      kind: 'restore',
      clock: deps.clock,
    }).catch(refuse));
  const steps: string[] = [];
  const step = async (line: string) => {
    steps.push(line);
    await audit('.step', 'ok', line);
  };
  const result: RestoreResult = { ...base, ok: false, steps, seconds: 0 };
  try {
    await audit('', 'ok', `started: backup ${snapshot.shortId} (${snapshot.time}) into ${live}`);
    await restore({ ...options, live, snapshot, result, step });
    result.ok = true;
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    if (!options.lock) await lock.release();
  }
  result.seconds = seconds();
  const outcome = result.ok
    ? `backup ${snapshot.shortId} is live in ${live}; the replaced database is kept as ${result.keptDatabase}`
    : `${result.error}; ${result.unchanged === false ? 'the restored database stays live' : `${live} is unchanged`}`;
  await audit('', result.ok ? 'ok' : 'failed', outcome);
  return result;
}

interface Restoring extends Omit<RestoreOptions, 'snapshot'> {
  live: string;
  snapshot: BackupSnapshot;
  result: RestoreResult;
  step(line: string): Promise<void>;
}

async function restore(options: Restoring): Promise<void> {
  const { deps, app, actor, live, snapshot, result, step } = options;
  result.unchanged = true;
  const left = await dropLeftovers(deps, live);
  if (left.length > 0) await step(`dropped what a restore stopped halfway left: ${left.join(', ')}`);
  result.liveRows = await countRows(deps, live);
  const safety = await runBackup({ deps, app, actor, kind: 'pre-restore' });
  if (!safety.ok || !safety.snapshot) throw new Error(`the safety backup of ${live} failed, so nothing was restored: ${safety.error}`);
  result.safety = safety.snapshot;
  await step(`safety backup ${safety.snapshot.shortId} of ${live} taken`);

  const now = deps.clock();
  const names = { live, fresh: restoringName(live, now), kept: keptName(live, now) };
  await restoreBeside(deps, app, snapshot, live, names.fresh);
  await step(`backup ${snapshot.shortId} restored into ${names.fresh}; its row counts equal those recorded at backup time`);

  const maintenanceStarted = Date.now();
  await maintenanceOn(deps, app, `restore of backup ${snapshot.shortId} by ${actor}`);
  await step(`${app} in maintenance (503)`);
  try {
    try {
      await swapIn(deps, names);
    } catch (error) {
      await dropDatabase(deps, names.fresh).catch(() => undefined);
      throw error;
    }
    result.unchanged = false;
    result.keptDatabase = names.kept;
    await step(`${live}'s sessions ended; ${live} renamed to ${names.kept} (kept), ${names.fresh} to ${live}`);
    try {
      await step(await restartHealthy(deps, app, options.healthDeadlineMs));
    } catch (error) {
      await swapBack(deps, names).catch((backError: Error) => {
        throw new Error(
          `${(error as Error).message}; swapping back failed too, the restored database stays live as ${live}: ${backError.message}`,
        );
      });
      result.unchanged = true;
      delete result.keptDatabase;
      await step(`swapped back: ${live} is the database from before again; the restored copy is ${names.fresh}`);
      await dropDatabase(deps, names.fresh).catch(() => undefined);
      await step(await restartHealthy(deps, app, options.healthDeadlineMs).catch((again: Error) => `restart failed: ${again.message}`));
      throw error;
    }
  } finally {
    await maintenanceOff(deps, app);
    result.maintenanceSeconds = Math.round((Date.now() - maintenanceStarted) / 100) / 10;
    await step(`${app} out of maintenance after ${result.maintenanceSeconds} s`);
  }
}

/**
 * `hms restore <app> <snapshot>`: one of the app's snapshots becomes its live database,
 * and its uploaded files the live ones when the snapshot has them. Under the app's deploy
 * lock: a safety backup of what is live, the snapshot restored beside the live database
 * (a new PostgreSQL database, or a SQLite file next to the live one) and its files beside
 * the live folders while the app still serves, the row counts checked (refused here,
 * nothing changed, when the repository or the snapshot is damaged); then maintenance on,
 * the swaps by rename (what they replace kept: `<db>_before_restore_<time>`,
 * `<file or folder>.before_restore_<time>`), the app restarted and health-checked,
 * maintenance off. A failure after a swap swaps back. Every step is audited.
 */
import type { BackupSnapshot, RestoreResult, RowCounts } from '../../../src/api/backups.js';
import type { RestoreStep } from '../../../src/api/streams.js';
import type { AgentDeps } from '../../env.js';
import { allowed, ApiError } from '../../errors.js';
import { acquireLock, type HeldLock } from '../deploys/index.js';
import { listBackups, runBackup } from './backup.js';
import { type AppDatabase, appDatabase, countRows, databaseLabel } from './database.js';
import { filesReplaceable } from './files-restore.js';
import { maintenanceOff, maintenanceOn, readMaintenance } from '../maintenance/index.js';
import { restartHealthy } from './restart.js';
import { countSqlite } from './sqlite.js';
import { sqliteReplaceable } from './sqlite-swap.js';
import { postgresReplaceable, type Replaceable } from './swap.js';

export interface RestoreOptions {
  deps: AgentDeps;
  app: string;
  actor: string;
  snapshot: string;
  dryRun?: boolean;
  /** A rollback that restores first holds the lock already. */
  lock?: HeldLock;
  /** Told what starts (`doing`) and each step done, as the restore goes (a stream to the client). */
  onStep?: (step: RestoreStep) => void;
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
  const database = await appDatabase({ deps, app }).catch(refuse);
  const live = databaseLabel(database);
  const snapshot = await findSnapshot(deps, app, options.snapshot).catch(refuse);
  const base = { app, snapshot: snapshot.id, ...(snapshot.rows ? { snapshotRows: snapshot.rows } : {}) };
  if (options.dryRun) {
    return {
      ...base,
      ok: true,
      unchanged: true,
      liveRows: await liveRows(deps, database),
      steps: ['dry run: nothing changed'],
      seconds: seconds(),
    };
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
    options.onStep?.({ line });
    await audit('.step', 'ok', line);
  };
  const result: RestoreResult = { ...base, ok: false, steps, seconds: 0 };
  try {
    await audit('', 'ok', `started: backup ${snapshot.shortId} (${snapshot.time}) into ${live}`);
    await restore({ ...options, database, snapshot, result, step });
    result.ok = true;
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    if (!options.lock) await lock.release();
  }
  result.seconds = seconds();
  const outcome = result.ok
    ? `backup ${snapshot.shortId} is live in ${live}; the replaced database is kept as ${result.keptDatabase}` +
      (result.keptFiles ? `, the replaced files as ${result.keptFiles}` : '')
    : `${result.error}; ${result.unchanged === false ? 'the restored database stays live' : `${live} is unchanged`}`;
  await audit('', result.ok ? 'ok' : 'failed', outcome);
  return result;
}

interface Restoring extends Omit<RestoreOptions, 'snapshot'> {
  database: AppDatabase;
  snapshot: BackupSnapshot;
  result: RestoreResult;
  step(line: string): Promise<void>;
}

/** The database, and the uploaded files when the snapshot has them: each restored beside, then swapped in. */
function partsOf({ deps, app, database, snapshot }: Restoring, now: Date): { database: Replaceable; files?: Replaceable } {
  const db =
    database.engine === 'postgresql'
      ? postgresReplaceable(deps, app, snapshot, database.name, now)
      : sqliteReplaceable(deps, app, snapshot, database.path, now);
  const { files } = snapshot;
  return { database: db, ...(files ? { files: filesReplaceable(deps, app, { ...snapshot, files }, now) } : {}) };
}

async function restore(options: Restoring): Promise<void> {
  const { deps, app, actor, snapshot, result, step } = options;
  result.unchanged = true;
  const parts = partsOf(options, deps.clock());
  const all = [parts.database, ...(parts.files ? [parts.files] : [])];
  for (const part of all) {
    const left = await part.dropLeftovers();
    if (left.length > 0) await step(`removed what a restore stopped halfway left: ${left.join(', ')}`);
  }
  const doing = (line: string) => options.onStep?.({ line, doing: true });
  result.liveRows = await liveRows(deps, options.database);
  doing(`backing up what is live first (safety backup of ${parts.database.live})`);
  const safety = await runBackup({ deps, app, actor, kind: 'pre-restore' });
  if (!safety.ok || !safety.snapshot) {
    throw new Error(`the safety backup of ${parts.database.live} failed, so nothing was restored: ${safety.error}`);
  }
  result.safety = safety.snapshot;
  await step(`safety backup ${safety.snapshot.shortId} of ${parts.database.live} taken`);

  const prepared: Replaceable[] = [];
  try {
    for (const part of all) {
      doing(`restoring backup ${snapshot.shortId} beside ${part.live} and checking it`);
      await step(await part.prepare());
      prepared.push(part);
    }
  } catch (error) {
    for (const part of prepared) await part.discard().catch(() => undefined);
    throw error;
  }

  const maintenanceStarted = Date.now();
  doing(`swapping ${all.map((part) => part.live).join(' and ')} under maintenance, then restarting ${app}`);
  // A maintenance someone asked for stays on after the restore: it is theirs to end.
  const asked = (await readMaintenance(deps, app))?.kind === 'manual';
  if (!asked) await maintenanceOn(deps, app, { kind: 'restore', by: actor, why: `restore of backup ${snapshot.shortId}` });
  await step(`${app} in maintenance (503)${asked ? ', as it already was' : ''}`);
  const swapped: Replaceable[] = [];
  try {
    for (const part of all) {
      swapped.push(part);
      const kept = await part.swapIn();
      result.unchanged = false;
      if (part === parts.database) result.keptDatabase = kept;
      else result.keptFiles = kept;
      await step(`${part.live} swapped in; the replaced ${part === parts.database ? 'database' : 'files'} kept as ${kept || '(none)'}`);
    }
    await step(await restartHealthy(deps, app, options.healthDeadlineMs));
  } catch (error) {
    // A swap that failed halfway, or an app that did not come back: everything swapped goes back, newest first.
    for (const part of [...swapped].reverse()) {
      await part.swapBack().catch((backError: Error) => {
        throw new Error(`${(error as Error).message}; swapping back failed too, ${part.live} stays restored: ${backError.message}`);
      });
    }
    result.unchanged = true;
    delete result.keptDatabase;
    delete result.keptFiles;
    const files = parts.files ? `, ${parts.files.live} hold the files from before` : '';
    await step(`swapped back: ${parts.database.live} is the database from before again${files}`);
    for (const part of all) await part.discard().catch(() => undefined);
    await step(await restartHealthy(deps, app, options.healthDeadlineMs).catch((again: Error) => `restart failed: ${again.message}`));
    throw error;
  } finally {
    if (!asked) await maintenanceOff(deps, app);
    result.maintenanceSeconds = Math.round((Date.now() - maintenanceStarted) / 100) / 10;
    await step(
      asked
        ? `${app} stays in maintenance, as it was asked (hms maintenance off ${app})`
        : `${app} out of maintenance after ${result.maintenanceSeconds} s`,
    );
  }
}

const liveRows = (deps: AgentDeps, database: AppDatabase): Promise<RowCounts> =>
  database.engine === 'postgresql' ? countRows(deps, database.name) : countSqlite(deps, database.path);

/**
 * What the backup timer runs (`hms-agent backup-scheduled`, in-process as root): for
 * every app with a PostgreSQL database, under its deploy lock, a backup (kind
 * scheduled), a restore drill of the latest good snapshot, then the retention. One
 * failing app does not stop the others; the answer says whether all went well.
 * Nothing is forgotten after a failed backup: retention only thins out what a new
 * snapshot has just joined.
 */
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentDeps } from '../../env.js';
import { ApiError } from '../../errors.js';
import { acquireLock, deployEnvironment, readLock, unitEnvironments } from '../deploys/index.js';
import { databaseOf } from './argv.js';
import { busBackupUnits } from './unit-env-bus.js';
import { runBackup } from './backup.js';
import { drillBackup } from './drill.js';
import { applyRetention } from './retention.js';

/** How long a running deploy or rollback is waited for before this app's backup is given up. */
const LOCK_WAIT_MS = 30 * 60_000;
const LOCK_POLL_MS = 5_000;

export interface ScheduledApp {
  app: string;
  ok: boolean;
  /** One line per step, for the journal. */
  lines: string[];
}

export const BACKUP_TIMER = 'hms-backup.timer';

/** Every app's unit, once each. */
export const appUnits = (deps: AgentDeps): string[] => [...new Set(Object.values(deps.config.apps).map((app) => app.unit))];

/**
 * The configured apps whose unit's environment names a PostgreSQL database, or whose SQLite file exists (deployed).
 * `known`: the units' environments the caller already has (the overview asks systemd for them with the timer).
 */
export async function appsWithDatabase(deps: AgentDeps, known?: Map<string, NodeJS.ProcessEnv>): Promise<string[]> {
  // One question to systemd for every app, over its D-Bus socket (else one `systemctl show`: one per app, in turn,
  // kept GET /api/backups waiting ~400 ms with 20 apps); a unit it did not answer for is asked alone. The order stays.
  const entries = Object.entries(deps.config.apps);
  const units = appUnits(deps);
  const shown = known ?? (await busBackupUnits(deps, units, BACKUP_TIMER))?.environments ?? (await unitEnvironments(deps, units));
  const hasDatabase = async (app: (typeof deps.config.apps)[string]): Promise<boolean> => {
    const env = shown.get(app.unit) ?? (await deployEnvironment(deps, app.unit)).env;
    if (databaseOf(env.DATABASE_URL)) return true;
    return Boolean(app.sqlite && (await stat(app.sqlite).catch(() => undefined))?.isFile());
  };
  const found = await Promise.all(entries.map(([, app]) => hasDatabase(app)));
  return entries.flatMap(([name], index) => (found[index] ? [name] : []));
}

/**
 * Runs `body` under the app's deploy lock, so no deploy migrates (nor restore replaces)
 * the database meanwhile. A manual hold or a stale lock stops deploys, not backups: the
 * body runs without taking it. A running deploy is waited for, up to LOCK_WAIT_MS.
 */
async function underDeployLock<T>(deps: AgentDeps, app: string, actor: string, body: () => Promise<T>): Promise<T> {
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const stateDir = deps.config.stateDir;
      const held = await acquireLock({ stateDir, app, by: actor, reason: 'scheduled backup', kind: 'backup', clock: deps.clock });
      try {
        return await body();
      } finally {
        await held.release();
      }
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 423) throw error;
      const lock = await readLock(deps.config.stateDir, app);
      if (lock && (lock.kind === 'manual' || lock.stale)) return body();
      if (Date.now() > until) throw error;
      await sleep(LOCK_POLL_MS);
    }
  }
}

async function backUpApp(deps: AgentDeps, app: string, actor: string): Promise<ScheduledApp> {
  const lines: string[] = [];
  let ok = true;
  const backup = await runBackup({ deps, app, actor, kind: 'scheduled' });
  if (backup.ok) lines.push(`backup ${backup.snapshot!.shortId} in ${backup.seconds} s`);
  else {
    ok = false;
    lines.push(`backup FAILED: ${backup.error}`);
  }
  // After a failure too: whether the last good snapshot still restores is what matters then.
  try {
    const { snapshot, drill } = await drillBackup({ deps, app, actor });
    lines.push(drill.ok ? `drill of ${snapshot.slice(0, 8)} ok in ${drill.seconds} s` : `drill of ${snapshot.slice(0, 8)} FAILED`);
    ok &&= drill.ok;
  } catch (error) {
    ok = false;
    lines.push(`drill FAILED: ${(error as Error).message}`);
  }
  if (backup.ok) {
    const forgotten = await applyRetention(deps, app, actor);
    lines.push(`retention: kept ${forgotten.kept.length}, forgot ${forgotten.removed.length}`);
  }
  return { app, ok, lines };
}

export async function runScheduledBackups(deps: AgentDeps, actor: string): Promise<ScheduledApp[]> {
  const results: ScheduledApp[] = [];
  for (const app of await appsWithDatabase(deps)) {
    try {
      results.push(await underDeployLock(deps, app, actor, () => backUpApp(deps, app, actor)));
    } catch (error) {
      results.push({ app, ok: false, lines: [`FAILED: ${(error as Error).message}`] });
    }
  }
  return results;
}

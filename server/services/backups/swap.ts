/**
 * The database side of a restore: the snapshot restored into a new database beside the
 * live one (`restic dump` piped into `pg_restore`, as the app's role) and checked against
 * the row counts recorded at dump time; then the swap by rename, and its undoing.
 */
import type { BackupSnapshot } from '../../../src/api/backups.js';
import { execPipe } from '../../../src/platform/pipe.js';
import type { AgentDeps } from '../../env.js';
import { compareCounts, resticDumpArgv, resticEnv, restoreArgv } from './argv.js';
import { countRows, DUMP_LIMITS, lastLines, RESTIC_LIMITS } from './database.js';
import {
  CREATE_SQL,
  DATABASES_SQL,
  DROP_SQL,
  OWNER_SQL,
  parseDatabases,
  psqlArgv,
  keptName,
  restoringName,
  restoringPattern,
  SWAP_BACK_SQL,
  SWAP_SQL,
} from './restore-sql.js';

const ROLE = /^[a-z_][a-z0-9_]{0,62}$/;
const SQL_TIMEOUT_MS = 120_000;

/** Runs statements on stdin; throws with psql's last lines when they fail. */
export async function runSql(deps: AgentDeps, what: string, sql: string, variables: Record<string, string>): Promise<string> {
  const result = await deps.exec(psqlArgv(variables), { input: sql, timeoutMs: SQL_TIMEOUT_MS, maxOutputBytes: 1024 * 1024 });
  if (result.code !== 0) throw new Error(`${what} failed: ${lastLines(result.stderr)}`);
  return result.stdout;
}

export async function listDatabases(deps: AgentDeps): Promise<Array<{ name: string; sizeBytes: number }>> {
  return parseDatabases(await runSql(deps, 'listing the databases', DATABASES_SQL, {}));
}

/** The live database's owner, the app's role; the restored database and its tables get the same. */
export async function ownerOf(deps: AgentDeps, live: string): Promise<string> {
  const owner = (await runSql(deps, `reading the owner of ${live}`, OWNER_SQL, { live })).trim();
  if (!ROLE.test(owner)) throw new Error(`the owner of ${live} is ${owner ? `"${owner.slice(0, 70)}", not a plain role name` : 'unknown'}`);
  return owner;
}

export async function dropDatabase(deps: AgentDeps, name: string): Promise<void> {
  await runSql(deps, `dropping ${name}`, DROP_SQL, { doomed: name });
}

/** Databases a restore stopped halfway left (never live: the live one has the app's name); the lock says none runs now. */
export async function dropLeftovers(deps: AgentDeps, live: string): Promise<string[]> {
  const pattern = restoringPattern(live);
  const left = (await listDatabases(deps)).filter((db) => pattern.test(db.name)).map((db) => db.name);
  for (const name of left) await dropDatabase(deps, name);
  return left;
}

/**
 * The snapshot in a new database `fresh`, owned like `live`, its rows counted and
 * compared with the recorded ones. Throws (having dropped `fresh`) when anything differs.
 */
export async function restoreBeside(deps: AgentDeps, app: string, snapshot: BackupSnapshot, live: string, fresh: string) {
  if (!snapshot.rows) throw new Error(`snapshot ${snapshot.shortId} has no recorded row counts to check the restore against`);
  const owner = await ownerOf(deps, live);
  await runSql(deps, `creating ${fresh}`, CREATE_SQL, { live, fresh });
  try {
    const piped = await execPipe(
      { argv: resticDumpArgv(snapshot.id, app), env: resticEnv(deps.config), limits: RESTIC_LIMITS },
      { argv: restoreArgv(fresh, owner), limits: DUMP_LIMITS },
      { timeoutMs: deps.config.backups.timeoutSeconds * 1000 },
    );
    if (piped.producer.code !== 0)
      throw new Error(`restic dump failed (exit ${piped.producer.code ?? piped.producer.signal}): ${lastLines(piped.producer.stderr)}`);
    if (piped.consumer.code !== 0)
      throw new Error(`pg_restore failed (exit ${piped.consumer.code ?? piped.consumer.signal}): ${lastLines(piped.consumer.stderr)}`);
    const mismatches = compareCounts(snapshot.rows, await countRows(deps, fresh));
    if (mismatches.length > 0) throw new Error(`the restored rows differ from those recorded at backup time: ${mismatches.join('; ')}`);
    return { owner };
  } catch (error) {
    await dropDatabase(deps, fresh).catch(() => undefined);
    throw error;
  }
}

/** Sessions that connect between the terminate and the rename make it fail: tried again a few times. */
async function renames(deps: AgentDeps, what: string, sql: string, variables: Record<string, string>): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await runSql(deps, what, sql, variables);
      return;
    } catch (error) {
      if (attempt >= 5 || !/being accessed by other users/.test((error as Error).message)) throw error;
    }
  }
}

export const swapIn = (deps: AgentDeps, names: { live: string; fresh: string; kept: string }) =>
  renames(deps, `swapping ${names.fresh} in as ${names.live}`, SWAP_SQL, names);

export const swapBack = (deps: AgentDeps, names: { live: string; fresh: string; kept: string }) =>
  renames(deps, `putting ${names.kept} back as ${names.live}`, SWAP_BACK_SQL, names);

/**
 * One thing a restore replaces (the database, the uploaded files): restored beside the live
 * one while the app still serves, swapped in by rename under maintenance (the replaced one
 * kept, its name returned), swapped back when the app does not come up healthy.
 */
export interface Replaceable {
  /** For people: the database's name, the SQLite file's path, the upload folders. */
  live: string;
  /** What restores stopped halfway left (never the live one), removed; their names. */
  dropLeftovers(): Promise<string[]>;
  /** The snapshot restored beside the live one and checked; throws, having removed it, when anything differs. */
  prepare(): Promise<string>;
  /** The prepared copy swapped in; what the replaced one is kept as. */
  swapIn(): Promise<string>;
  /** What swapIn did undone, also when it failed halfway; nothing when it did nothing. */
  swapBack(): Promise<void>;
  /** The prepared (or swapped back) copy removed. */
  discard(): Promise<void>;
}

export function postgresReplaceable(deps: AgentDeps, app: string, snapshot: BackupSnapshot, live: string, now: Date): Replaceable {
  const names = { live, fresh: restoringName(live, now), kept: keptName(live, now) };
  let swapped = false;
  return {
    live,
    dropLeftovers: () => dropLeftovers(deps, live),
    prepare: async () => {
      await restoreBeside(deps, app, snapshot, live, names.fresh);
      return `backup ${snapshot.shortId} restored into ${names.fresh}; its row counts equal those recorded at backup time`;
    },
    swapIn: async () => {
      await swapIn(deps, names);
      swapped = true;
      return names.kept;
    },
    swapBack: async () => {
      // The swap is one transaction: when it failed, nothing was renamed.
      if (!swapped) return;
      await swapBack(deps, names);
      swapped = false;
    },
    discard: () => dropDatabase(deps, names.fresh),
  };
}

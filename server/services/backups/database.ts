/**
 * What a backup and a drill share: the app's database, found through its DATABASE_URL,
 * its tables' rows counted, and the bounds every process of theirs runs under.
 */
import type { RowCounts } from '../../../src/api/backups.js';
import type { AgentDeps } from '../../env.js';
import { ApiError } from '../../errors.js';
import { deployEnvironment } from '../deploys/index.js';
import { countArgv, databaseOf, parseCounts } from './argv.js';

export const GIB = 1024 * 1024 * 1024;
/** pg_dump streams; restic (Go) reserves address space well beyond what it uses. */
export const DUMP_LIMITS = { memoryBytes: 1 * GIB };
export const RESTIC_LIMITS = { memoryBytes: 8 * GIB };
const COUNT_TIMEOUT_MS = 120_000;

export interface Options {
  deps: AgentDeps;
  app: string;
}

/** What an app keeps its rows in: a PostgreSQL database (by name) or a SQLite file. */
export type AppDatabase = { engine: 'postgresql'; name: string } | { engine: 'sqlite'; path: string };

/** The app's database: PostgreSQL when its unit's DATABASE_URL names one, else its SQLite file when it has one. */
export async function appDatabase({ deps, app }: Options): Promise<AppDatabase> {
  const agentApp = deps.config.apps[app]!;
  const name = databaseOf((await deployEnvironment(deps, agentApp.unit)).env.DATABASE_URL);
  if (name) return { engine: 'postgresql', name };
  if (agentApp.sqlite) return { engine: 'sqlite', path: agentApp.sqlite };
  throw new ApiError(409, `${app} has no database to back up (no DATABASE_URL in ${agentApp.unit}'s environment, no SQLite file).`, {
    hint: 'Declare `"database": {"adapter": "postgresql"}` (or "sqlite3") for the app in hms.config.json, then run `hms provision`.',
  });
}

/** The app's PostgreSQL database by name; 409 for an app on SQLite. */
export async function databaseFor(options: Options): Promise<string> {
  const database = await appDatabase(options);
  if (database.engine === 'postgresql') return database.name;
  throw new ApiError(409, `${options.app} keeps its rows in SQLite (${database.path}), not in a PostgreSQL database.`);
}

export const databaseLabel = (database: AppDatabase): string => (database.engine === 'postgresql' ? database.name : database.path);

export async function countRows(deps: AgentDeps, database: string): Promise<RowCounts> {
  const env = { ...process.env, PGOPTIONS: `-c statement_timeout=${COUNT_TIMEOUT_MS}` };
  const result = await deps.exec(countArgv(database), { env, timeoutMs: COUNT_TIMEOUT_MS, maxOutputBytes: 1024 * 1024 });
  if (result.code !== 0) throw new Error(`counting rows failed: ${lastLines(result.stderr)}`);
  return parseCounts(result.stdout);
}

export const lastLines = (text: string): string => text.trim().split('\n').slice(-3).join(' / ') || '(no output)';

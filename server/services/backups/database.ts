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

export async function databaseFor({ deps, app }: Options): Promise<string> {
  const unit = deps.config.apps[app]!.unit;
  const database = databaseOf((await deployEnvironment(deps, unit)).env.DATABASE_URL);
  if (!database) {
    throw new ApiError(409, `${app} has no PostgreSQL database to back up (no DATABASE_URL in ${unit}'s environment).`, {
      hint: 'Declare `"database": {"adapter": "postgresql"}` for the app in hms.config.json, then run `hms provision`.',
    });
  }
  return database;
}

export async function countRows(deps: AgentDeps, database: string): Promise<RowCounts> {
  const env = { ...process.env, PGOPTIONS: `-c statement_timeout=${COUNT_TIMEOUT_MS}` };
  const result = await deps.exec(countArgv(database), { env, timeoutMs: COUNT_TIMEOUT_MS, maxOutputBytes: 1024 * 1024 });
  if (result.code !== 0) throw new Error(`counting rows failed: ${lastLines(result.stderr)}`);
  return parseCounts(result.stdout);
}

export const lastLines = (text: string): string => text.trim().split('\n').slice(-3).join(' / ') || '(no output)';

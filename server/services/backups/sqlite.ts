/**
 * An app on SQLite, backed up like one on PostgreSQL: sqlite3's online `.backup` copies
 * the live file consistently while the app writes (into a root-only folder of the
 * agent's), the copy's tables are counted, and restic reads the copy on stdin, under
 * the same name and tags as a PostgreSQL dump plus `engine:sqlite`. The copy is
 * deleted whatever happens. A snapshot comes back as a file through `restic restore`,
 * checked with `PRAGMA integrity_check` and its row counts.
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RowCounts } from '../../../src/api/backups.js';
import type { AgentDeps } from '../../env.js';
import { resticEnv } from './argv.js';
import { lastLines, RESTIC_LIMITS } from './database.js';

/** Paths that reach sqlite3's dot-commands are the agent's own, and plain. */
const PLAIN_PATH = /^\/[A-Za-z0-9/._-]+$/;
const SQLITE_TIMEOUT_MS = 600_000;
const SQLITE_LIMITS = { memoryBytes: 1024 * 1024 * 1024 };
/** How long sqlite3 waits for the app's write lock before it gives up (ms). */
const BUSY_MS = 30_000;

const sqlite3 = (file: string, ...rest: string[]): string[] => ['sqlite3', '-bail', '-cmd', `.timeout ${BUSY_MS}`, file, ...rest];

function plain(file: string): string {
  if (!PLAIN_PATH.test(file) || file.split('/').includes('..')) throw new Error(`${JSON.stringify(file)} is not a plain absolute path`);
  return file;
}

/** A private working folder for one backup, drill or restore: root only, inside `parent` (same file system). */
export async function workFolder(parent: string, prefix: string): Promise<string> {
  await mkdir(parent, { recursive: true, mode: 0o700 });
  return mkdtemp(path.join(parent, prefix));
}

export const agentSqliteDir = (deps: AgentDeps): string => `${deps.config.stateDir}/sqlite`;

async function run(deps: AgentDeps, what: string, argv: string[]): Promise<string> {
  const result = await deps.exec(argv, { timeoutMs: SQLITE_TIMEOUT_MS, limits: SQLITE_LIMITS, maxOutputBytes: 4 * 1024 * 1024 });
  if (result.code !== 0)
    throw new Error(`${what} failed (${result.timedOut ? 'timed out' : `exit ${result.code}`}): ${lastLines(result.stderr)}`);
  return result.stdout;
}

/** The live file copied with the online backup API into `target`: consistent while the app writes. */
export async function copySqlite(deps: AgentDeps, live: string, target: string): Promise<void> {
  const found = await stat(live).catch(() => undefined);
  if (!found?.isFile()) throw new Error(`the SQLite database ${live} does not exist yet: deploy the app first`);
  await run(deps, `sqlite3 .backup of ${live}`, sqlite3(plain(live), `.backup '${plain(target)}'`));
}

const quoteName = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const quoteText = (name: string): string => `'${name.replaceAll("'", "''")}'`;

/** count(*) of every table but SQLite's own, read-only; table names quoted, never trusted. */
export async function countSqlite(deps: AgentDeps, file: string): Promise<RowCounts> {
  const readOnly = (sql: string) => ['sqlite3', '-readonly', '-bail', '-json', plain(file), sql];
  const listed = await run(deps, `listing the tables of ${file}`, readOnly(TABLES_SQL));
  const tables = parseJsonRows(listed).map((row) => String(row.name));
  if (tables.length === 0) return {};
  const sql = tables.map((table) => `SELECT ${quoteText(table)} AS t, count(*) AS c FROM ${quoteName(table)}`).join(' UNION ALL ');
  const counts: RowCounts = {};
  for (const row of parseJsonRows(await run(deps, `counting the rows of ${file}`, readOnly(sql)))) {
    if (typeof row.t === 'string' && typeof row.c === 'number') counts[row.t] = row.c;
  }
  return counts;
}

const TABLES_SQL = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";

function parseJsonRows(stdout: string): Array<Record<string, unknown>> {
  const text = stdout.trim();
  return text ? (JSON.parse(text) as Array<Record<string, unknown>>) : [];
}

/** Throws unless SQLite finds the file whole. */
export async function checkIntegrity(deps: AgentDeps, file: string): Promise<void> {
  const answer = (
    await run(deps, `PRAGMA integrity_check of ${file}`, ['sqlite3', '-readonly', plain(file), 'PRAGMA integrity_check'])
  ).trim();
  if (answer !== 'ok') throw new Error(`${file} is damaged: ${answer.split('\n').slice(0, 3).join(' / ')}`);
}

/** The snapshot's file written by restic into `folder` (as `<app>.dump`); its path. */
export async function restoreSqliteFile(deps: AgentDeps, app: string, id: string, folder: string): Promise<string> {
  const argv = ['restic', 'restore', '--target', plain(folder), '--include', `/${app}.dump`, '--', id];
  const result = await deps.exec(argv, {
    env: resticEnv(deps.config),
    timeoutMs: deps.config.backups.timeoutSeconds * 1000,
    limits: RESTIC_LIMITS,
  });
  if (result.code !== 0) throw new Error(`restic restore of ${id.slice(0, 8)} failed (exit ${result.code}): ${lastLines(result.stderr)}`);
  return path.join(folder, `${app}.dump`);
}

export const exists = (file: string): Promise<boolean> =>
  stat(file).then(
    () => true,
    () => false,
  );

/** A drill's or a restore's copy, removed with its folder. */
export const removeFolder = (folder: string): Promise<void> => rm(folder, { recursive: true, force: true });

/**
 * One backup of an app's database: its tables' row counts, then `pg_dump -Fc` piped
 * into `restic backup --stdin` (nothing written to disk on the way), then the counts
 * and sizes recorded beside the snapshot. A dump that failed or was cut short leaves
 * no snapshot: restic saves what it read, so a snapshot made from it is forgotten.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import type { BackupKind, BackupList, BackupResult, BackupSnapshot, RowCounts } from '../../../src/api/backups.js';
import { execPipe } from '../../../src/platform/pipe.js';
import type { AgentDeps } from '../../env.js';
import { ApiError } from '../../errors.js';
import { deployEnvironment } from '../deploys/index.js';
import {
  backupArgv,
  countArgv,
  databaseOf,
  dumpArgv,
  forgetArgv,
  parseCounts,
  parseSnapshots,
  parseSummary,
  resticEnv,
  SNAPSHOT_ID,
  snapshotsArgv,
} from './argv.js';

const GIB = 1024 * 1024 * 1024;
/** pg_dump streams; restic (Go) reserves address space well beyond what it uses. */
const DUMP_LIMITS = { memoryBytes: 1 * GIB };
const RESTIC_LIMITS = { memoryBytes: 8 * GIB };
const COUNT_TIMEOUT_MS = 120_000;

interface Options {
  deps: AgentDeps;
  app: string;
}

/** What hms keeps beside each snapshot: <stateDir>/backups/<app>/<snapshot id>.json. */
const recordDir = (deps: AgentDeps, app: string): string => `${deps.config.stateDir}/backups/${app}`;

async function databaseFor({ deps, app }: Options): Promise<string> {
  const unit = deps.config.apps[app]!.unit;
  const database = databaseOf((await deployEnvironment(deps, unit)).env.DATABASE_URL);
  if (!database) {
    throw new ApiError(409, `${app} has no PostgreSQL database to back up (no DATABASE_URL in ${unit}'s environment).`, {
      hint: 'Declare `"database": {"adapter": "postgresql"}` for the app in hms.config.json, then run `hms provision`.',
    });
  }
  return database;
}

async function countRows(deps: AgentDeps, database: string): Promise<RowCounts> {
  const env = { ...process.env, PGOPTIONS: `-c statement_timeout=${COUNT_TIMEOUT_MS}` };
  const result = await deps.exec(countArgv(database), { env, timeoutMs: COUNT_TIMEOUT_MS, maxOutputBytes: 1024 * 1024 });
  if (result.code !== 0) throw new Error(`counting rows failed: ${lastLines(result.stderr)}`);
  return parseCounts(result.stdout);
}

const lastLines = (text: string): string => text.trim().split('\n').slice(-3).join(' / ') || '(no output)';

/** Takes one backup; answers ok: false with the reason when the dump or restic failed. */
export async function runBackup(options: Options & { actor: string; kind?: BackupKind }): Promise<BackupResult> {
  const { deps, app, actor } = options;
  const kind = options.kind ?? 'manual';
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  const database = await databaseFor(options);
  const env = resticEnv(deps.config);
  let outcome: { ok: true; snapshot: BackupSnapshot } | { ok: false; error: string };
  try {
    const rows = await countRows(deps, database);
    const time = deps.clock().toISOString();
    const piped = await execPipe(
      { argv: dumpArgv(database), limits: DUMP_LIMITS },
      { argv: backupArgv(app, kind), env, limits: RESTIC_LIMITS },
      { timeoutMs: deps.config.backups.timeoutSeconds * 1000 },
    );
    const summary = parseSummary(piped.consumer.stdout);
    const dumped = piped.producer.code === 0 && !piped.producer.timedOut;
    if (!dumped || piped.consumer.code !== 0 || !summary) {
      if (summary) await deps.exec(forgetArgv(summary.id), { env, timeoutMs: 120_000, limits: RESTIC_LIMITS });
      const why = !dumped
        ? `pg_dump ${piped.producer.timedOut ? 'timed out' : `failed (${piped.producer.signal ?? `exit ${piped.producer.code}`})`}: ` +
          lastLines(piped.producer.stderr)
        : `restic backup failed (exit ${piped.consumer.code}): ${lastLines(piped.consumer.stderr)}`;
      outcome = { ok: false, error: why };
    } else {
      const snapshot: BackupSnapshot = { id: summary.id, shortId: summary.id.slice(0, 8), time, kind, rows };
      if (summary.sizeBytes !== undefined) snapshot.sizeBytes = summary.sizeBytes;
      if (summary.addedBytes !== undefined) snapshot.addedBytes = summary.addedBytes;
      await writeRecord(deps, app, snapshot);
      outcome = { ok: true, snapshot };
    }
  } catch (error) {
    outcome = { ok: false, error: (error as Error).message };
  }
  const detail = outcome.ok ? `${kind} ${outcome.snapshot.shortId} of ${database}` : outcome.error;
  await deps.audit.record({ actor, action: 'backup', target: app, result: outcome.ok ? 'ok' : 'failed', detail });
  return { app, ...outcome, seconds: seconds() };
}

async function writeRecord(deps: AgentDeps, app: string, snapshot: BackupSnapshot): Promise<void> {
  const dir = recordDir(deps, app);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = `${dir}/${snapshot.id}.json`;
  await writeFile(`${file}.tmp`, `${JSON.stringify(snapshot)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

async function readRecord(deps: AgentDeps, app: string, id: string): Promise<Partial<BackupSnapshot>> {
  if (!SNAPSHOT_ID.test(id)) return {};
  const text = await readFile(`${recordDir(deps, app)}/${id}.json`, 'utf8').catch(() => undefined);
  if (!text) return {};
  try {
    const { sizeBytes, addedBytes, rows } = JSON.parse(text) as BackupSnapshot;
    return {
      ...(sizeBytes !== undefined ? { sizeBytes } : {}),
      ...(addedBytes !== undefined ? { addedBytes } : {}),
      ...(rows ? { rows } : {}),
    };
  } catch {
    return {};
  }
}

/** The app's snapshots as restic lists them, with the sizes and row counts recorded when each was taken. */
export async function listBackups({ deps, app }: Options): Promise<BackupList> {
  const result = await deps.exec(snapshotsArgv(app), { env: resticEnv(deps.config), timeoutMs: 60_000, limits: RESTIC_LIMITS });
  if (result.code !== 0) {
    throw new ApiError(502, `restic could not list the backups: ${lastLines(result.stderr)}`, {
      hint: 'Run `hms provision` to make the repository, then `hms backup <app>`.',
    });
  }
  const snapshots = await Promise.all(
    parseSnapshots(result.stdout).map(async (snapshot) => ({ ...snapshot, ...(await readRecord(deps, app, snapshot.id)) })),
  );
  return { app, snapshots };
}

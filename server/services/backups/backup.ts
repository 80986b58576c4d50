/**
 * One backup of an app's database: its tables' row counts, then `pg_dump -Fc` piped
 * into `restic backup --stdin` (nothing written to disk on the way), then the counts
 * and sizes recorded beside the snapshot. A dump that failed or was cut short leaves
 * no snapshot: restic saves what it read, so a snapshot made from it is forgotten.
 */
import path from 'node:path';
import type { BackupKind, BackupList, BackupResult, BackupSnapshot, RowCounts } from '../../../src/api/backups.js';
import { execPipe, type PipeResult } from '../../../src/platform/pipe.js';
import type { AgentDeps } from '../../env.js';
import { ApiError } from '../../errors.js';
import { backupArgv, dumpArgv, forgetArgv, parseSnapshots, parseSummary, resticEnv, snapshotArgv, snapshotsArgv } from './argv.js';
import { type AppDatabase, appDatabase, DUMP_LIMITS, databaseLabel, lastLines, type Options, RESTIC_LIMITS } from './database.js';
import { backupFiles } from './files.js';
import { holdSnapshot } from './held-snapshot.js';
import { copyOffsite } from './offsite.js';
import { readRecord, writeRecord } from './record.js';
import { agentSqliteDir, copySqlite, countSqlite, removeFolder, workFolder } from './sqlite.js';
import { updateStatusFile } from './status-file.js';

/** Takes one backup; answers ok: false with the reason when the dump or restic failed. */
export async function runBackup(options: Options & { actor: string; kind?: BackupKind; release?: string }): Promise<BackupResult> {
  const { deps, app, actor } = options;
  const kind = options.kind ?? 'manual';
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  const database = await appDatabase(options);
  const env = resticEnv(deps.config);
  let outcome: { ok: true; snapshot: BackupSnapshot } | { ok: false; error: string };
  try {
    const time = deps.clock().toISOString();
    const { rows, piped } = await dumpIntoRestic(options, database, kind);
    const summary = parseSummary(piped.consumer.stdout);
    const dumped = piped.producer.code === 0 && !piped.producer.timedOut;
    if (!dumped || piped.consumer.code !== 0 || !summary) {
      if (summary) await deps.exec(forgetArgv(summary.id), { env, timeoutMs: 120_000, limits: RESTIC_LIMITS });
      const reader = database.engine === 'postgresql' ? 'pg_dump' : 'reading the SQLite copy';
      const failed = piped.producer.timedOut ? 'timed out' : `failed (${piped.producer.signal ?? `exit ${piped.producer.code}`})`;
      const why = !dumped
        ? `${reader} ${failed}: ${lastLines(piped.producer.stderr)}`
        : `restic backup failed (exit ${piped.consumer.code}): ${lastLines(piped.consumer.stderr)}`;
      outcome = { ok: false, error: why };
    } else {
      const id = await fullId(deps, summary.id);
      const snapshot: BackupSnapshot = {
        id,
        shortId: id.slice(0, 8),
        time,
        kind,
        rows,
        ...(database.engine === 'sqlite' ? { engine: 'sqlite' as const } : {}),
        ...(options.release ? { release: options.release } : {}),
      };
      if (summary.sizeBytes !== undefined) snapshot.sizeBytes = summary.sizeBytes;
      if (summary.addedBytes !== undefined) snapshot.addedBytes = summary.addedBytes;
      // The dump is good whatever happens to the files next: it is recorded first, and kept.
      await writeRecord(deps, app, snapshot);
      const files = await backupFiles(deps, app, kind).catch((error: Error) => error);
      if (files instanceof Error) {
        outcome = { ok: false, error: `the database is backed up (${snapshot.shortId}), the uploaded files are not: ${files.message}` };
      } else {
        if (files) await writeRecord(deps, app, Object.assign(snapshot, { files }));
        outcome = { ok: true, snapshot };
      }
    }
  } catch (error) {
    outcome = { ok: false, error: (error as Error).message };
  }
  const offsite = outcome.ok ? await copyOffsite(deps) : undefined;
  if (offsite) await updateStatusFile(deps, app, { offsite });
  const at = deps.clock().toISOString();
  await updateStatusFile(
    deps,
    app,
    outcome.ok
      ? { last: { id: outcome.snapshot.id, shortId: outcome.snapshot.shortId, time: outcome.snapshot.time, kind } }
      : { failure: { at, error: outcome.error } },
  );
  const copied = offsite ? (offsite.ok ? `; copied to ${offsite.server}` : `; offsite copy failed: ${offsite.error}`) : '';
  const before = options.release ? ` before release ${options.release}` : '';
  const detail = outcome.ok ? `${kind} ${outcome.snapshot.shortId} of ${databaseLabel(database)}${before}${copied}` : outcome.error;
  await deps.audit.record({ actor, action: 'backup', target: app, result: outcome.ok ? 'ok' : 'failed', detail });
  return { app, ...outcome, seconds: seconds(), ...(offsite ? { offsite } : {}) };
}

/**
 * The database streamed into `restic backup --stdin`, with the row counts of exactly what
 * was read: PostgreSQL's dump reads the snapshot the counts were taken in; SQLite's online
 * copy is counted, then read. The copy is removed whatever happens.
 */
async function dumpIntoRestic(
  options: Options & { release?: string },
  database: AppDatabase,
  kind: BackupKind,
): Promise<{ rows: RowCounts; piped: PipeResult }> {
  const { deps, app, release } = options;
  const timeoutMs = deps.config.backups.timeoutSeconds * 1000;
  const env = resticEnv(deps.config);
  const tags = (rows: RowCounts) => ({ rows, ...(release ? { release } : {}), ...(database.engine === 'sqlite' ? { sqlite: true } : {}) });
  if (database.engine === 'postgresql') {
    const held = await holdSnapshot(deps, database.name, timeoutMs);
    const piped = await execPipe(
      { argv: dumpArgv(database.name, held.id), limits: DUMP_LIMITS },
      { argv: backupArgv(app, kind, tags(held.rows)), env, limits: RESTIC_LIMITS },
      { timeoutMs },
    ).finally(held.release);
    return { rows: held.rows, piped };
  }
  const folder = await workFolder(agentSqliteDir(deps), `${app}-`);
  try {
    const copy = path.join(folder, `${app}.sqlite3`);
    await copySqlite(deps, database.path, copy);
    const rows = await countSqlite(deps, copy);
    const piped = await execPipe(
      { argv: ['cat', '--', copy], limits: DUMP_LIMITS },
      { argv: backupArgv(app, kind, tags(rows)), env, limits: RESTIC_LIMITS },
      { timeoutMs },
    );
    return { rows, piped };
  } finally {
    await removeFolder(folder);
  }
}

/** restic 0.14 names the new snapshot by its short id; records and lists go by the full one. */
async function fullId(deps: AgentDeps, id: string): Promise<string> {
  if (id.length === 64) return id;
  const result = await deps.exec(snapshotArgv(id), { env: resticEnv(deps.config), timeoutMs: 60_000, limits: RESTIC_LIMITS });
  const found = result.code === 0 ? parseSnapshots(result.stdout)[0]?.id : undefined;
  if (!found) throw new Error(`restic saved snapshot ${id} but does not list it: ${lastLines(result.stderr)}`);
  return found;
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

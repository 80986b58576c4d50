/**
 * A restore drill: the app's latest snapshot restored from restic into a scratch
 * database (`restic dump` piped into `pg_restore`, nothing on disk), its tables
 * counted and compared with the counts recorded at dump time, the scratch database
 * dropped whatever happened, and the result recorded beside the snapshot and audited.
 */
import type { DrillResponse, DrillResult, RowCounts } from '../../../src/api/backups.js';
import { execPipe } from '../../../src/platform/pipe.js';
import type { AgentDeps } from '../../env.js';
import { ApiError } from '../../errors.js';
import { compareCounts, createScratchArgv, dropScratchArgv, resticDumpArgv, resticEnv, restoreArgv, scratchDatabase } from './argv.js';
import { listBackups } from './backup.js';
import { countRows, DUMP_LIMITS, lastLines, type Options, RESTIC_LIMITS } from './database.js';
import { writeRecord } from './record.js';
import { agentSqliteDir, checkIntegrity, countSqlite, removeFolder, restoreSqliteFile, workFolder } from './sqlite.js';
import { updateStatusFile } from './status-file.js';

export async function drillBackup(options: Options & { actor: string }): Promise<DrillResponse> {
  const { deps, app, actor } = options;
  const { snapshots } = await listBackups(options);
  const latest = snapshots.at(-1);
  if (!latest) throw new ApiError(409, `${app} has no backup to drill yet.`, { hint: `Take one with \`hms backup ${app}\`.` });
  const started = Date.now();
  const scratch = scratchDatabase(deps.clock());
  let outcome: Pick<DrillResult, 'ok' | 'mismatches' | 'error'>;
  try {
    if (!latest.rows) throw new Error(`snapshot ${latest.shortId} has no recorded row counts to compare with`);
    const restored =
      latest.engine === 'sqlite' ? await drillSqlite(deps, app, latest.id) : await drillPostgres(deps, app, latest.id, scratch);
    const mismatches = compareCounts(latest.rows, restored);
    outcome = { ok: mismatches.length === 0, mismatches };
  } catch (error) {
    outcome = { ok: false, mismatches: [], error: (error as Error).message };
  } finally {
    if (latest.engine !== 'sqlite') await deps.exec(dropScratchArgv(scratch), { timeoutMs: 60_000 });
  }
  const drill: DrillResult = { ...outcome, at: deps.clock().toISOString(), seconds: Math.round((Date.now() - started) / 100) / 10 };
  await writeRecord(deps, app, { ...latest, drill });
  await updateStatusFile(deps, app, { drill });
  const detail = drill.ok ? `snapshot ${latest.shortId} restored, row counts equal` : (drill.error ?? drill.mismatches.join('; '));
  await deps.audit.record({ actor, action: 'backup.drill', target: app, result: drill.ok ? 'ok' : 'failed', detail });
  return { app, snapshot: latest.id, drill };
}

/** The dump restored into the scratch database (dropped by the caller), counted. */
async function drillPostgres(deps: AgentDeps, app: string, id: string, scratch: string): Promise<RowCounts> {
  const created = await deps.exec(createScratchArgv(scratch), { timeoutMs: 60_000 });
  if (created.code !== 0) throw new Error(`createdb failed: ${lastLines(created.stderr)}`);
  const piped = await execPipe(
    { argv: resticDumpArgv(id, app), env: resticEnv(deps.config), limits: RESTIC_LIMITS },
    { argv: restoreArgv(scratch), limits: DUMP_LIMITS },
    { timeoutMs: deps.config.backups.timeoutSeconds * 1000 },
  );
  if (piped.producer.code !== 0) throw new Error(`restic dump failed (exit ${piped.producer.code}): ${lastLines(piped.producer.stderr)}`);
  if (piped.consumer.code !== 0) throw new Error(`pg_restore failed (exit ${piped.consumer.code}): ${lastLines(piped.consumer.stderr)}`);
  return countRows(deps, scratch);
}

/** The SQLite file restored by restic into a scratch folder, checked whole, counted, removed. */
async function drillSqlite(deps: AgentDeps, app: string, id: string): Promise<RowCounts> {
  const folder = await workFolder(agentSqliteDir(deps), 'drill-');
  try {
    const file = await restoreSqliteFile(deps, app, id, folder);
    await checkIntegrity(deps, file);
    return await countSqlite(deps, file);
  } finally {
    await removeFolder(folder);
  }
}

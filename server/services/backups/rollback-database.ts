/**
 * `hms rollback <app> --restore-database`: under one lock, the backup taken before the
 * current release's migrations is restored (restore.ts: safety backup, checked restore,
 * swap, the replaced database kept), then the app goes back to the earlier release.
 * The database first: the newer code usually tolerates the older schema (columns it no
 * longer reads) better than the older code the newer one (columns it still reads, gone).
 */
import type { BackupSnapshot, RestoreResult } from '../../../src/api/backups.js';
import type { RollbackResult } from '../../../src/api/deploys.js';
import { allowed, ApiError } from '../../errors.js';
import { acquireLock, appLayout, rollbackApp, rollbackTarget, type RollbackOptions } from '../deploys/index.js';
import { listBackups } from './backup.js';
import { restoreBackup } from './restore.js';

/** The newest pre-migration backup taken before `release`'s migrations. */
export function preMigrationOf(snapshots: readonly BackupSnapshot[], release: string | null): BackupSnapshot | undefined {
  return snapshots.filter((s) => s.kind === 'pre-migration' && release !== null && s.release === release).at(-1);
}

export async function rollbackWithDatabase(options: Omit<RollbackOptions, 'lock'>): Promise<RollbackResult> {
  const { deps, name, actor } = options;
  const app = allowed('app', name, deps.config.apps);
  const started = Date.now();
  const refuse = async (error: unknown): Promise<never> => {
    await deps.audit.record({ actor, action: 'rollback', target: name, result: 'refused', detail: (error as Error).message });
    throw error;
  };
  const lock = await acquireLock({
    stateDir: deps.config.stateDir,
    app: name,
    by: actor,
    reason: options.reason ?? `rollback with the database restored to ${options.release ?? 'before the current release'}`,
    kind: 'rollback',
    clock: deps.clock,
  }).catch(refuse);
  try {
    const { current, previous } = await rollbackTarget(appLayout(app));
    const backup = preMigrationOf((await listBackups({ deps, app: name })).snapshots, current);
    if (!backup) {
      await refuse(
        new ApiError(409, `There is no pre-migration backup of ${name} taken before release ${current ?? '(none)'}.`, {
          hint:
            'Its deploy ran no new migrations on PostgreSQL. Roll back without --restore-database, ' +
            `or restore a backup: \`hms backups ${name}\`.`,
        }),
      );
    }
    const restore = await restoreBackup({ deps, app: name, actor, snapshot: backup!.id, lock });
    if (!restore.ok) return notRolledBack(restore, current, options.release ?? previous, started);
    const rollback = await rollbackApp({ ...options, lock });
    return { ...rollback, restore, ms: Date.now() - started };
  } finally {
    await lock.release();
  }
}

function notRolledBack(restore: RestoreResult, current: string | null, to: string | null, started: number): RollbackResult {
  return {
    app: restore.app,
    from: current,
    to: to ?? '',
    ok: false,
    revertedTo: null,
    health: null,
    warnings: [],
    steps: [],
    error: `The database restore failed, so ${current} keeps running: ${restore.error}`,
    hint: 'The release was not changed. See `hms audit` for each step of the restore.',
    ms: Date.now() - started,
    restore,
  };
}

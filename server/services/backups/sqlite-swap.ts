/**
 * A restore of an app on SQLite: the snapshot's file restored by restic into a folder
 * beside the live file (same file system, so the swap is a rename), checked whole and
 * counted; under maintenance the app is stopped (SQLite's write-ahead log belongs to
 * the file it was written for), the live file and its -wal/-shm renamed to
 * `<file>.before_restore_<time>` (kept) and the restored one renamed into place.
 */
import { chmod, chown, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BackupSnapshot } from '../../../src/api/backups.js';
import type { AgentDeps } from '../../env.js';
import { compareCounts } from './argv.js';
import { lastLines } from './database.js';
import { escapeRegExp, stamp } from './restore-sql.js';
import { checkIntegrity, countSqlite, exists, removeFolder, restoreSqliteFile } from './sqlite.js';
import type { Replaceable } from './swap.js';

const COMPANIONS = ['', '-wal', '-shm', '-journal'];
const RESTORING = /^\.hms-restoring-\d{14}$/;

export const keptSqliteName = (live: string, now: Date): string => `${live}.before_restore_${stamp(now)}`;
export const keptSqlitePattern = (live: string): RegExp => new RegExp(`^${escapeRegExp(path.basename(live))}\\.before_restore_\\d{14}$`);

async function stopApp(deps: AgentDeps, app: string): Promise<void> {
  const unit = deps.config.apps[app]!.unit;
  const stopped = await deps.exec(['systemctl', 'stop', '--', unit], { timeoutMs: 120_000 });
  if (stopped.code !== 0) throw new Error(`systemctl stop ${unit} failed: ${lastLines(stopped.stderr)}`);
}

/** `from` and its -wal/-shm/-journal renamed to `to` with the same endings; those that exist. */
async function moveWithCompanions(from: string, to: string): Promise<void> {
  for (const ending of COMPANIONS) if (await exists(from + ending)) await rename(from + ending, to + ending);
}

export function sqliteReplaceable(deps: AgentDeps, app: string, snapshot: BackupSnapshot, live: string, now: Date): Replaceable {
  const dir = path.dirname(live);
  const folder = path.join(dir, `.hms-restoring-${stamp(now)}`);
  const kept = keptSqliteName(live, now);
  let restored = '';
  return {
    live,
    dropLeftovers: async () => {
      const left = (await readdir(dir).catch(() => [])).filter((name) => RESTORING.test(name));
      for (const name of left) await removeFolder(path.join(dir, name));
      return left.map((name) => path.join(dir, name));
    },
    prepare: async () => {
      if (!snapshot.rows) throw new Error(`snapshot ${snapshot.shortId} has no recorded row counts to check the restore against`);
      try {
        await mkdir(folder, { mode: 0o700 });
        restored = await restoreSqliteFile(deps, app, snapshot.id, folder);
        await checkIntegrity(deps, restored);
        const mismatches = compareCounts(snapshot.rows, await countSqlite(deps, restored));
        if (mismatches.length > 0) throw new Error(`the restored rows differ from those recorded at backup time: ${mismatches.join('; ')}`);
        // The app's user owns the file as it owned the live one.
        const owner = await stat(live).catch(() => stat(dir));
        await chown(restored, owner.uid, owner.gid);
        await chmod(restored, owner.isFile() ? owner.mode & 0o777 : 0o640);
      } catch (error) {
        await removeFolder(folder);
        throw error;
      }
      return `backup ${snapshot.shortId} restored beside ${live}; SQLite finds it whole, its row counts equal the recorded ones`;
    },
    swapIn: async () => {
      await stopApp(deps, app);
      await moveWithCompanions(live, kept);
      await rename(restored, live);
      await removeFolder(folder);
      return path.relative(deps.config.apps[app]!.root, kept);
    },
    swapBack: async () => {
      // Only once the live file was moved aside: before that, the live file is the one from before.
      if (!(await exists(kept))) return;
      await stopApp(deps, app);
      await mkdir(folder, { recursive: true, mode: 0o700 });
      await moveWithCompanions(live, restored);
      await moveWithCompanions(kept, live);
    },
    discard: () => removeFolder(folder),
  };
}

/** The files restores kept beside the live one (name relative to the app's folder, size), oldest first. */
export async function keptSqliteFiles(root: string, live: string): Promise<Array<{ name: string; sizeBytes: number }>> {
  const pattern = keptSqlitePattern(live);
  const names = (await readdir(path.dirname(live)).catch(() => [])).filter((name) => pattern.test(name)).sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(path.dirname(live), name);
      return { name: path.relative(root, file), sizeBytes: (await stat(file)).size };
    }),
  );
}

/** A kept file and its companions removed. */
export async function dropKeptSqlite(file: string): Promise<void> {
  for (const ending of COMPANIONS) await rm(file + ending, { force: true });
}

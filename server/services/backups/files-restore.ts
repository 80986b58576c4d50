/**
 * The uploaded files of a restore: the files snapshot taken with the database backup,
 * restored by restic (`--verify`: every file read back and compared) into a folder in
 * the app's shared/ (same file system, so the swap is a rename); under maintenance each
 * upload folder is renamed to `<folder>.before_restore_<time>` (kept) and the restored
 * one renamed into place. Folders the snapshot did not have are left as they are.
 */
import { mkdir, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { BackupSnapshot, FilesSnapshot } from '../../../src/api/backups.js';
import type { AgentDeps } from '../../env.js';
import { resticEnv } from './argv.js';
import { lastLines, RESTIC_LIMITS } from './database.js';
import { stamp } from './restore-sql.js';
import { exists, removeFolder } from './sqlite.js';
import type { Replaceable } from './swap.js';

const RESTORING = /^\.hms-restoring-files-\d{14}$/;
/** Upload folders are shared/ paths the configuration allow-lists (letters, digits, "._-/"). */
const FOLDER = /^shared\/[A-Za-z0-9._/-]+$/;

export const keptFolderPattern = /\.before_restore_\d{14}$/;

export function filesReplaceable(
  deps: AgentDeps,
  app: string,
  snapshot: BackupSnapshot & { files: FilesSnapshot },
  now: Date,
): Replaceable {
  const root = deps.config.apps[app]!.root;
  const shared = path.join(root, 'shared');
  const folder = path.join(shared, `.hms-restoring-files-${stamp(now)}`);
  const folders = snapshot.files.folders.filter((f) => FOLDER.test(f) && !f.split('/').includes('..'));
  const swapped: Array<{ live: string; restored: string; kept?: string }> = [];
  return {
    live: folders.join(', '),
    dropLeftovers: async () => {
      const left = (await readdir(shared).catch(() => [])).filter((name) => RESTORING.test(name));
      for (const name of left) await removeFolder(path.join(shared, name));
      return left.map((name) => path.join(shared, name));
    },
    prepare: async () => {
      await mkdir(folder, { mode: 0o700 });
      const argv = ['restic', 'restore', '--verify', '--target', folder, '--', snapshot.files.id];
      const result = await deps.exec(argv, {
        env: resticEnv(deps.config),
        timeoutMs: deps.config.backups.timeoutSeconds * 1000,
        limits: RESTIC_LIMITS,
      });
      if (result.code !== 0) {
        await removeFolder(folder);
        throw new Error(`restic restore of the uploaded files (${snapshot.files.id.slice(0, 8)}) failed: ${lastLines(result.stderr)}`);
      }
      return `uploaded files of backup ${snapshot.shortId} (${folders.join(', ')}) restored beside the live ones, each file verified`;
    },
    swapIn: async () => {
      const kept: string[] = [];
      for (const relative of folders) {
        const live = path.join(root, relative);
        // restic restores a folder under its absolute path inside the target.
        const restored = path.join(folder, live);
        if (!(await exists(restored))) continue;
        const entry: { live: string; restored: string; kept?: string } = { live, restored };
        if (await exists(live)) {
          entry.kept = `${live}.before_restore_${stamp(now)}`;
          await rename(live, entry.kept);
          kept.push(path.relative(root, entry.kept));
        }
        swapped.push(entry);
        await rename(restored, live);
      }
      // What is left of the restore folder is the empty path down to the folders.
      await removeFolder(folder);
      return kept.join(', ');
    },
    swapBack: async () => {
      for (const entry of swapped.reverse()) {
        await mkdir(path.dirname(entry.restored), { recursive: true, mode: 0o700 });
        if (await exists(entry.live)) await rename(entry.live, entry.restored);
        if (entry.kept) await rename(entry.kept, entry.live);
      }
      swapped.length = 0;
    },
    discard: () => removeFolder(folder),
  };
}

/**
 * An app's uploaded files, backed up beside its database in the same run: the folders
 * of shared/ that hold what users put there (storage/ for Active Storage,
 * public/uploads/ for CarrierWave and Paperclip, and any other folder the app keeps
 * across releases but logs, temp files and caches), one restic snapshot tagged
 * `part:files`, deduplicated against the last one. restic reads them in place.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { BackupKind, FilesSnapshot } from '../../../src/api/backups.js';
import type { AgentApp } from '../../config.js';
import type { AgentDeps } from '../../env.js';
import { parseSummary, resticEnv } from './argv.js';
import { lastLines, RESTIC_LIMITS } from './database.js';

/** Kept across releases but never worth a backup. */
const NOT_DATA = new Set(['log', 'tmp', 'vendor/bundle', 'node_modules', 'public/assets', 'public/packs']);
const USUAL = ['storage', 'public/uploads'];

/** The app's shared/ folders that may hold uploads, relative to shared/ (allow-listed config). */
export const uploadFolderNames = (app: Pick<AgentApp, 'sharedDirs'>): string[] =>
  [...new Set([...USUAL, ...app.sharedDirs])].filter((dir) => !NOT_DATA.has(dir) && !dir.startsWith('tmp/'));

/** The app's upload folders that exist, as absolute paths. */
export async function uploadFolders(app: Pick<AgentApp, 'root' | 'sharedDirs'>): Promise<string[]> {
  const names = uploadFolderNames(app);
  const found = await Promise.all(
    names.map(async (dir) => {
      const folder = path.join(app.root, 'shared', dir);
      const info = await stat(folder).catch(() => undefined);
      return info?.isDirectory() ? folder : undefined;
    }),
  );
  return found.filter((folder): folder is string => folder !== undefined);
}

export const filesBackupArgv = (app: string, kind: BackupKind, folders: string[]): string[] => [
  'restic',
  'backup',
  '--json',
  '--quiet',
  '--tag',
  `app:${app}`,
  '--tag',
  `kind:${kind}`,
  '--tag',
  'part:files',
  '--',
  ...folders,
];

/** One snapshot of the app's upload folders; undefined when it has none. Throws with restic's words when it fails. */
export async function backupFiles(deps: AgentDeps, app: string, kind: BackupKind): Promise<FilesSnapshot | undefined> {
  const folders = await uploadFolders(deps.config.apps[app]!);
  if (folders.length === 0) return undefined;
  const result = await deps.exec(filesBackupArgv(app, kind, folders), {
    env: resticEnv(deps.config),
    timeoutMs: deps.config.backups.timeoutSeconds * 1000,
    limits: RESTIC_LIMITS,
    maxOutputBytes: 1024 * 1024,
  });
  const summary = parseSummary(result.stdout);
  // restic exits 3 when some files could not be read: the snapshot exists but is incomplete, so it is not a good backup.
  if (result.code !== 0 || !summary)
    throw new Error(`restic backup of ${folders.join(', ')} failed (exit ${result.code}): ${lastLines(result.stderr)}`);
  return {
    id: summary.id,
    folders: folders.map((folder) => path.relative(deps.config.apps[app]!.root, folder)),
    ...(summary.sizeBytes !== undefined ? { sizeBytes: summary.sizeBytes } : {}),
    ...(summary.addedBytes !== undefined ? { addedBytes: summary.addedBytes } : {}),
  };
}

/**
 * Backups of site files, one per change: `<stateDir>/config-backups/<site>/<ISO time>.conf`.
 * A backup id from a user is checked by pattern and then looked up in the listing;
 * only a listed name becomes part of a path.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { BACKUP_ID_PATTERN, type Backup, type BackupContent } from '../../../src/api/configs.js';
import { ApiError } from '../../errors.js';
import { writeDurably } from './files.js';
import { etagOf } from './sites.js';

/** Enough history to undo a bad week; older backups are pruned on each change. */
export const BACKUPS_KEPT = 100;

/** `site` is an allow-listed name from the config, never a user's string. */
export function backupDir(stateDir: string, site: string): string {
  return path.join(stateDir, 'config-backups', site);
}

async function backupIds(dir: string): Promise<string[]> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return entries
    .filter((entry) => entry.endsWith('.conf') && BACKUP_ID_PATTERN.test(entry.slice(0, -'.conf'.length)))
    .map((entry) => entry.slice(0, -'.conf'.length))
    .sort()
    .reverse();
}

/** Keeps `content` as a new backup and returns its id (a later millisecond if the time is taken). */
export async function keepBackup(options: { stateDir: string; site: string; content: Buffer; clock: () => Date }): Promise<string> {
  const dir = backupDir(options.stateDir, options.site);
  await mkdir(dir, { recursive: true, mode: 0o750 });
  const start = options.clock().getTime();
  for (let offset = 0; offset < 1000; offset += 1) {
    const id = new Date(start + offset).toISOString();
    try {
      await writeDurably(path.join(dir, `${id}.conf`), options.content, 0o640);
      await pruneBackups(dir);
      return id;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new ApiError(500, `Could not name a backup in ${dir}: every id near ${new Date(start).toISOString()} is taken.`, {
    hint: `Check the clock of the server and the files in ${dir}.`,
  });
}

async function pruneBackups(dir: string): Promise<void> {
  const old = (await backupIds(dir)).slice(BACKUPS_KEPT);
  await Promise.all(old.map((id) => rm(path.join(dir, `${id}.conf`), { force: true })));
}

export async function listBackups(options: { stateDir: string; site: string }): Promise<Backup[]> {
  const dir = backupDir(options.stateDir, options.site);
  return Promise.all(
    (await backupIds(dir)).map(async (id) => {
      const bytes = await readFile(path.join(dir, `${id}.conf`));
      return { id, size: bytes.length, etag: etagOf(bytes) };
    }),
  );
}

export async function readBackup(options: { stateDir: string; site: string; id: string }): Promise<BackupContent & { bytes: Buffer }> {
  const dir = backupDir(options.stateDir, options.site);
  const ids = BACKUP_ID_PATTERN.test(options.id) ? await backupIds(dir) : [];
  const id = ids.find((known) => known === options.id);
  if (id === undefined) {
    throw new ApiError(404, `Site "${options.site}" has no backup "${options.id.slice(0, 64)}".`, {
      hint: `GET /api/configs/${options.site}/history lists the backups.`,
      details: { known: ids.slice(0, 20) },
    });
  }
  const bytes = await readFile(path.join(dir, `${id}.conf`));
  return { name: options.site, id, content: bytes.toString('utf8'), etag: etagOf(bytes), bytes };
}

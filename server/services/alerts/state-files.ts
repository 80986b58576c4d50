/**
 * The watcher's files in <stateDir>/alerts/ (0700; files 0600): each written whole to a
 * temporary file and renamed over the old one, so a crash leaves the old or the new.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const alertsDir = (stateDir: string): string => path.join(stateDir, 'alerts');

export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/** The file's JSON, or `fallback` when it is missing or unreadable (a broken file is kept aside, not lost). */
export async function readJson<T>(file: string, fallback: T): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    await rename(file, `${file}.broken-${Date.now()}`).catch(() => undefined);
    return fallback;
  }
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(value)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

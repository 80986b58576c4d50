/**
 * Loading the configuration without building zod's schemas when this file, with
 * this text, was validated before by this same build of hms (measured: the schemas
 * and the first parse were ~40 ms CPU of `hms status` on a loaded machine).
 * The validated data is kept in the user's cache directory (a 0600 file, written
 * whole: temp + rename), keyed by the file's path and its whole text, and by the
 * build (HMS_SOURCE_ID: a hash of the sources build.mjs bundles, so a change of
 * schema is never answered from an older validation). Run from source, there is
 * no build id and every load validates. A file that fails validation is never kept.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { readConfigText, resolveConfig } from './paths.js';
import type { Config, ValidatedConfig } from './schema.js';

declare const HMS_SOURCE_ID: string | undefined;

const SOURCE_ID: string | undefined = typeof HMS_SOURCE_ID === 'string' ? HMS_SOURCE_ID : undefined;
const KEPT = 8;

interface CacheFile {
  id: string;
  entries: Array<{ file: string; text: string; data: ValidatedConfig }>;
}

export interface CachedLoadOptions {
  env?: NodeJS.ProcessEnv;
  /** The build the validations belong to (default: this build's; none from source). */
  sourceId?: string | undefined;
}

export function configCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || homedir(), '.cache');
  return path.join(base, 'hms', 'validated-config.json');
}

/** loadConfig (src/config/load.ts), answered from the cache when the same text was validated by the same build. */
export async function loadConfigCached(file: string, options: CachedLoadOptions = {}): Promise<Config> {
  const { env = process.env, sourceId = SOURCE_ID } = options;
  const text = await readConfigText(file);
  const cache = sourceId ? await readCache(configCacheFile(env), sourceId) : undefined;
  const hit = cache?.entries.find((entry) => entry.file === file && entry.text === text);
  if (hit) return resolveConfig(hit.data, file);
  const { validateConfig } = await import('./load.js');
  const data = validateConfig(text, file);
  if (sourceId)
    await keep(configCacheFile(env), {
      id: sourceId,
      entries: [{ file, text, data }, ...(cache?.entries ?? []).filter((e) => e.file !== file)],
    });
  return resolveConfig(data, file);
}

async function readCache(cacheFile: string, id: string): Promise<CacheFile | undefined> {
  try {
    const cache = JSON.parse(await readFile(cacheFile, 'utf8')) as CacheFile;
    return cache.id === id && Array.isArray(cache.entries) ? cache : undefined;
  } catch {
    return undefined; // none yet, or unreadable: validate
  }
}

/** A cache is an optimisation: failing to write one changes nothing else. */
async function keep(cacheFile: string, cache: CacheFile): Promise<void> {
  try {
    await mkdir(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
    const temp = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ ...cache, entries: cache.entries.slice(0, KEPT) }), { mode: 0o600 });
    await rename(temp, cacheFile);
  } catch {
    // read-only home, full disk: the next load validates again
  }
}

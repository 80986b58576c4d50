/**
 * What the hostile suite watches outside the agent's allowed folders: the canary
 * (content, mtime and atime, with its atime set in the past first so that, under
 * relatime, any read would move it), symlinks to it where a traversal would land,
 * and a listing of every file outside the allowed tree, taken before and after.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HostileTree } from './hostile-tree.js';

const TWO_DAYS_MS = 2 * 24 * 3600 * 1000;

export interface CanaryState {
  content: string;
  mtimeMs: number;
  atimeMs: number;
}

/** Symlinks to the canary at the places `../secret.txt`-style payloads resolve to from the agent's folders. */
export async function plantCanaryLinks(tree: HostileTree): Promise<string[]> {
  const places = [
    path.join(tree.allowed, 'secret.txt'),
    path.join(tree.allowed, 'nginx', 'secret.txt'),
    path.join(tree.allowed, 'www', 'cigar', 'shared', 'secret.txt'),
    path.join(tree.allowed, 'passwd'),
  ];
  for (const place of places) if (!existsSync(place)) await symlink(tree.canary, place);
  return places;
}

/** Reads the canary, then moves its atime two days back (mtime kept): its state from here on. */
export async function armCanary(canary: string): Promise<CanaryState> {
  const content = await readFile(canary, 'utf8');
  await utimes(canary, new Date(Date.now() - TWO_DAYS_MS), (await stat(canary)).mtime);
  const info = await stat(canary);
  return { content, mtimeMs: info.mtimeMs, atimeMs: info.atimeMs };
}

/** The canary's state now: the times first, since reading the content moves the atime itself. */
export async function canaryState(canary: string): Promise<CanaryState> {
  const info = await stat(canary);
  const content = await readFile(canary, 'utf8');
  return { content, mtimeMs: info.mtimeMs, atimeMs: info.atimeMs };
}

/** Whether a read moves an old atime on this file system (relatime does; noatime does not). */
export async function readsMoveAtime(dir: string): Promise<boolean> {
  const probe = path.join(dir, 'atime-probe');
  await writeFile(probe, 'probe\n');
  const info = await stat(probe);
  await utimes(probe, new Date(Date.now() - TWO_DAYS_MS), info.mtime);
  const armed = (await stat(probe)).atimeMs;
  await readFile(probe);
  return (await stat(probe)).atimeMs !== armed;
}

/** Every entry under `roots` except the `skip` folders: size and mtime, or where a symlink points. */
export async function listing(roots: string[], skip: string[]): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (skip.includes(file)) continue;
      const info = await stat(file).catch(() => null);
      entries[file] = info ? `${entry.isSymbolicLink() ? 'link ' : ''}${info.size} ${info.mtimeMs}` : 'dangling';
      if (entry.isDirectory()) await walk(file);
    }
  };
  for (const root of roots) await walk(root);
  return entries;
}

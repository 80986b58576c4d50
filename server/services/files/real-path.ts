/**
 * Where a file log source really is. The agent runs as root and the deploy user owns
 * the apps' folders, so a log's name may have been replaced by a symlink to any file
 * (/etc/shadow); before a file is read, searched or followed its real path must lie
 * inside the source's own folder (itself resolved: the folder may be a link, e.g.
 * shared/log -> /var/log/cigar). The checked real path is what gets read, so a link
 * swapped in after the check is only followed by a `tail -F` already running, and is
 * caught at the next request. `realPathOfNearest` does the same for a path that may
 * not exist yet (script arguments, files a nginx site names).
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export interface FileLocation {
  path: string;
  /** The folder the real file must be inside. */
  folder: string;
  /** Whether the file's own name may be a symlink (to a file inside the folder). */
  linkAllowed: boolean;
}

export type FileCheck = { state: 'ok'; file: string; size: number } | { state: 'missing' } | { state: 'outside' };

export function isInsideFolder(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

export async function checkLogFile(location: FileLocation): Promise<FileCheck> {
  const own = await lstat(location.path).catch(() => undefined);
  if (!own) return { state: 'missing' };
  if (own.isSymbolicLink() && !location.linkAllowed) return { state: 'outside' };
  const folder = await realpath(location.folder).catch(() => undefined);
  const real = await realpath(location.path).catch(() => undefined);
  // A dangling link shows nothing; it is checked again once it points somewhere.
  if (!folder || !real) return { state: 'missing' };
  if (!isInsideFolder(folder, real)) return { state: 'outside' };
  const info = await stat(real).catch(() => undefined);
  return info?.isFile() ? { state: 'ok', file: real, size: info.size } : { state: 'missing' };
}

/**
 * The real path of `file`, or, for a file that does not exist yet, the real path of
 * its nearest existing folder joined with the missing names. Undefined when a name on
 * the way exists but cannot be resolved (a dangling symlink, a loop): refuse those.
 */
export async function realPathOfNearest(file: string): Promise<string | undefined> {
  const missing: string[] = [];
  let current = path.resolve(file);
  for (;;) {
    const real = await realpath(current).catch(() => undefined);
    if (real !== undefined) return path.join(real, ...missing.reverse());
    if (
      await lstat(current).then(
        () => true,
        () => false,
      )
    )
      return undefined;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    missing.push(path.basename(current));
    current = parent;
  }
}

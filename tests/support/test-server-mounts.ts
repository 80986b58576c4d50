import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { runOk } from './test-server-process.js';

// mountinfo escapes space, tab, newline and backslash in paths as octal.
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Mount points at or below dir in this process's mount namespace (the host's). */
export function mountsUnder(dir: string): string[] {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean);
  return lines
    .map((line) => unescapeMountPath(line.split(' ')[4] ?? ''))
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`));
}

/**
 * rm -rf that refuses to reach through mounts. A crashed debootstrap leaves /proc and
 * /sys mounted inside its target, and a recursive delete through those would delete
 * the host's files; so unmount first, and let rm stay on one file system as well.
 */
export async function removeDirSafely(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  const mounts = mountsUnder(dir).sort((a, b) => b.length - a.length);
  for (const mountPoint of mounts) await runOk(['umount', '--lazy', mountPoint]);
  const left = mountsUnder(dir);
  if (left.length > 0) throw new Error(`refusing to delete ${dir}: still mounted: ${left.join(', ')}`);
  await runOk(['rm', '-rf', '--one-file-system', '--', dir]);
}

/**
 * Mounts a tmpfs at dir. Unpacking the rootfs onto this machine's ext4 costs 6-11 s of
 * kernel time, onto tmpfs 0.4 s; a copy lives for one suite, so memory is the right home.
 * size is a ceiling, not a reservation.
 */
export async function mountTmpfs(dir: string, size: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await runOk(['mount', '-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'hms-test', dir]);
}

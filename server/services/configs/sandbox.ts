/**
 * `nginx -t` in a private mount namespace (util-linux `unshare`) whose root holds
 * only what nginx needs: the system's programs and libraries, a few files from /etc
 * (users, name resolution, CA certificates), the allowed nginx folders read-only,
 * and the log and temp folders writable; then `chroot` into it. Whatever a directive
 * names, from whatever module, a file outside these is simply not there. The lint
 * (nginx-lint.ts) stays the first layer; this one does not depend on knowing every
 * module. The script is a constant: paths reach it as arguments, never as text.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** The exit code of a sandbox that could not be set up (chroot's own failures are 125-127, nginx -t's 1). */
export const SETUP_FAILED = 97;

// Every spawn costs (a mkdir per folder doubled the run): one mkdir for all mount
// points, empty files by the shell itself, one mount per bound path.
const SCRIPT = `set -eu
trap 'echo "hms-nginx-sandbox: the sandbox could not be set up" >&2; exit ${SETUP_FAILED}' EXIT
root=$1; shift
mount -t tmpfs -o mode=0755 hms-nginx-sandbox "$root"
mkdirs() {
  n=$1; shift; total=$#; i=0
  for arg; do if [ "$i" -lt "$n" ]; then set -- "$@" "$root$arg"; fi; i=$((i + 1)); done
  shift "$total"
  if [ "$#" -gt 0 ]; then mkdir -p -- "$@"; fi
}
mkdirs "$@"; shift $(($1 + 1))
n=$1; shift
while [ "$n" -gt 0 ]; do : > "$root$1"; shift; n=$((n - 1)); done
for mode in ro rw; do
  n=$1; shift
  while [ "$n" -gt 0 ]; do
    if [ "$mode" = ro ]; then mount -o bind,ro "$1" "$root$1"; else mount --bind "$1" "$root$1"; fi
    shift; n=$((n - 1))
  done
done
trap - EXIT
exec chroot "$root" "$@"`;

/** Programs, libraries and the few system files nginx reads at startup. */
export const SYSTEM_READ_ONLY = [
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib64',
  '/lib32',
  '/libx32',
  '/etc/passwd',
  '/etc/group',
  '/etc/nsswitch.conf',
  '/etc/hosts',
  '/etc/host.conf',
  '/etc/resolv.conf',
  '/etc/gai.conf',
  '/etc/ld.so.cache',
  '/etc/localtime',
  // The system's TLS store: Debian's snakeoil pair and certificates other enabled sites name (the lint keeps a submitted site out of it).
  '/etc/ssl',
  '/dev/null',
  '/dev/zero',
  '/dev/urandom',
  '/dev/random',
];

/** Drops paths inside another one in the list (the outer bind carries them), parents first. */
function outermost(paths: readonly string[]): string[] {
  const unique = [...new Set(paths.map((p) => path.resolve(p)))].sort();
  return unique.filter((p) => !unique.some((other) => other !== p && (p.startsWith(`${other}/`) || other === '/')));
}

export interface SandboxPaths {
  /** An empty folder the sandbox's root is mounted on (inside the namespace only). */
  root: string;
  /** The allowed nginx folders (nginx-lint's prefixes) and the config's own. */
  readOnly: readonly string[];
  /** Where nginx -t creates log files and temp folders. */
  writable: readonly string[];
  /**
   * Empty folders in the sandbox's own tmpfs, thrown away with it: where nginx -t
   * opens the pid file (it creates it even when testing), which must not touch the live one.
   */
  scratch: readonly string[];
}

/**
 * Whether a run of sandboxedArgv failed before nginx ran: unshare itself (no mount
 * namespaces: not root, a seccomp filter, RestrictNamespaces), a mount, or chroot.
 */
export function sandboxFailed(result: { code: number | null; stderr: string }): boolean {
  if (result.code === 0 || result.code === 1) return result.code === 1 && /^unshare: /m.test(result.stderr);
  return result.code !== null;
}

/** Folder or file: what a bound path's mount point in the sandbox must be. Absent paths are left out. */
export type PathKinds = ReadonlyMap<string, 'dir' | 'file'>;

/** The bound paths, outer ones only, writable ones winning over read-only ones. */
function boundPaths(paths: SandboxPaths): { readOnly: string[]; writable: string[] } {
  const writable = outermost(paths.writable);
  const readOnly = outermost([...SYSTEM_READ_ONLY, ...paths.readOnly]).filter(
    (p) => !writable.some((w) => p === w || p.startsWith(`${w}/`)),
  );
  return { readOnly, writable };
}

/** What each bound path is now (symlinks followed, as the bind follows them). */
export async function pathKinds(paths: SandboxPaths): Promise<PathKinds> {
  const { readOnly, writable } = boundPaths(paths);
  const kinds = new Map<string, 'dir' | 'file'>();
  for (const p of [...readOnly, ...writable]) {
    const info = await stat(p).catch(() => undefined);
    if (info) kinds.set(p, info.isDirectory() ? 'dir' : 'file');
  }
  return kinds;
}

/** argv running `argv` (an absolute program path) inside the sandbox; `kinds` from pathKinds. */
export function sandboxedArgv(argv: readonly string[], paths: SandboxPaths, kinds: PathKinds): string[] {
  const present = (list: string[]) => list.filter((p) => kinds.has(p));
  const [readOnly, writable] = [present(boundPaths(paths).readOnly), present(boundPaths(paths).writable)];
  const bound = [...readOnly, ...writable];
  const files = bound.filter((p) => kinds.get(p) === 'file');
  const folders = [...new Set([...bound.map((p) => (kinds.get(p) === 'dir' ? p : path.dirname(p))), ...paths.scratch])];
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    '--',
    '/bin/sh',
    '-c',
    SCRIPT,
    'hms-nginx-sandbox',
    paths.root,
    String(folders.length),
    ...folders,
    String(files.length),
    ...files,
    String(readOnly.length),
    ...readOnly,
    String(writable.length),
    ...writable,
    ...argv,
  ];
}

/**
 * `nginx -t` in a private mount namespace (util-linux `unshare`) whose root holds
 * only what nginx needs: the system's programs and libraries, a few files from /etc
 * (users, name resolution, CA certificates), the allowed nginx folders read-only,
 * and the log and temp folders writable; then `chroot` into it. Whatever a directive
 * names, from whatever module, a file outside these is simply not there. The lint
 * (nginx-lint.ts) stays the first layer; this one does not depend on knowing every
 * module. The script is a constant: paths reach it as arguments, never as text.
 */
import path from 'node:path';

/** The exit code of a sandbox that could not be set up (chroot's own failures are 125-127, nginx -t's 1). */
export const SETUP_FAILED = 97;

const SCRIPT = `set -eu
trap 'echo "hms-nginx-sandbox: the sandbox could not be set up" >&2; exit ${SETUP_FAILED}' EXIT
root=$1; shift
mount -t tmpfs -o mode=0755 hms-nginx-sandbox "$root"
bind() {
  [ -e "$1" ] || return 0
  if [ -d "$1" ]; then mkdir -p "$root$1"; else mkdir -p "$root$(dirname "$1")"; : > "$root$1"; fi
  mount --bind "$1" "$root$1"
  if [ "$2" = ro ]; then mount -o remount,bind,ro "$root$1"; fi
}
for mode in ro rw; do
  n=$1; shift
  while [ "$n" -gt 0 ]; do bind "$1" "$mode"; shift; n=$((n - 1)); done
done
n=$1; shift
while [ "$n" -gt 0 ]; do mkdir -p "$root$1"; shift; n=$((n - 1)); done
trap - EXIT
exec chroot "$root" "$@"`;

/** Programs, libraries and the few system files nginx reads at startup. */
export const SYSTEM_READ_ONLY = [
  '/usr', '/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32',
  '/etc/passwd', '/etc/group', '/etc/nsswitch.conf', '/etc/hosts', '/etc/host.conf', '/etc/resolv.conf', '/etc/gai.conf',
  '/etc/ld.so.cache', '/etc/localtime',
  // The system's TLS store: Debian's snakeoil pair and certificates other enabled sites name (the lint keeps a submitted site out of it).
  '/etc/ssl',
  '/dev/null', '/dev/zero', '/dev/urandom', '/dev/random',
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

/** argv running `argv` (an absolute program path) inside the sandbox. */
export function sandboxedArgv(argv: readonly string[], paths: SandboxPaths): string[] {
  const writable = outermost(paths.writable);
  const readOnly = outermost([...SYSTEM_READ_ONLY, ...paths.readOnly]).filter((p) => !writable.some((w) => p === w || p.startsWith(`${w}/`)));
  return [
    'unshare', '--mount', '--propagation', 'private', '--',
    '/bin/sh', '-c', SCRIPT, 'hms-nginx-sandbox', paths.root,
    String(readOnly.length), ...readOnly,
    String(writable.length), ...writable,
    String(paths.scratch.length), ...paths.scratch,
    ...argv,
  ];
}

import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withLock } from './test-server-lock.js';
import { mountTmpfs, removeDirSafely } from './test-server-mounts.js';
import { findTool, runOk } from './test-server-process.js';
import { CACHE_DIR } from './test-server-paths.js';

const MIRROR = 'http://deb.debian.org/debian';

// Everything that shapes the tar. Bump `image` whenever finishImage() changes: the
// hash names the cached file, so a changed recipe builds a new one instead of
// silently reusing the old.
const RECIPE = {
  image: 1,
  suite: 'bookworm',
  variant: 'minbase',
  include: ['systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'sudo', 'iproute2'],
  mirror: MIRROR,
};

// debootstrap writes only "bookworm main"; a real server also gets updates and security.
const SOURCES_LIST = [
  `deb ${MIRROR} bookworm main`,
  `deb ${MIRROR} bookworm-updates main`,
  'deb http://deb.debian.org/debian-security bookworm-security main',
  '',
].join('\n');

export const TAR_FLAGS = ['--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls'];

export function rootfsPath(): string {
  const hash = createHash('sha256').update(JSON.stringify(RECIPE)).digest('hex').slice(0, 16);
  return join(CACHE_DIR, `rootfs-${hash}.tar`);
}

export function rootfsBuildable(): { ok: true } | { ok: false; reason: string } {
  if (existsSync(rootfsPath()) || findTool('debootstrap')) return { ok: true };
  return { ok: false, reason: 'no cached rootfs and no debootstrap to build one (apt-get install debootstrap)' };
}

/** The cached tar, built first if missing; buildMs is set only when this call built it. */
export async function ensureRootfs(): Promise<{ path: string; buildMs?: number }> {
  const path = rootfsPath();
  if (existsSync(path)) return { path };
  await mkdir(CACHE_DIR, { recursive: true });
  // Parallel vitest workers may all get here; one builds, the others wait and reuse.
  return withLock(`${path}.lock`, 15 * 60_000, async () => {
    if (existsSync(path)) return { path };
    const started = Date.now();
    await build(path);
    return { path, buildMs: Date.now() - started };
  });
}

async function build(path: string): Promise<void> {
  await removeStaleBuilds(path);
  const work = `${path}.build-${process.pid}`;
  const partial = `${path}.partial-${process.pid}`;
  try {
    // dpkg on tmpfs skips this disk's slow metadata path; 4G is a ceiling, not a reservation.
    await mountTmpfs(work, '4G');
    await runOk(['debootstrap', `--variant=${RECIPE.variant}`, `--include=${RECIPE.include.join(',')}`, RECIPE.suite, work, MIRROR], {
      timeoutMs: 10 * 60_000,
    }).catch((err: Error) => {
      throw new Error(`building the test server rootfs failed; is ${MIRROR} reachable?\n${err.message}`, { cause: err });
    });
    await finishImage(work);
    await runOk(['tar', ...TAR_FLAGS, '-C', work, '-cpf', partial, '.']);
    // rename(2) is atomic: a reader sees either no tar or a complete one.
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
    await removeDirSafely(work);
  }
}

// Changes every copy needs alike, done once here rather than per boot.
async function finishImage(root: string): Promise<void> {
  await writeFile(join(root, 'etc/apt/sources.list'), SOURCES_LIST);
  await runOk(['systemctl', `--root=${root}`, 'enable', 'systemd-networkd']);
  // Every copy gets host keys and a machine id of its own; none may be shared.
  for (const file of readdirSync(join(root, 'etc/ssh')).filter((f) => f.startsWith('ssh_host_'))) {
    await rm(join(root, 'etc/ssh', file));
  }
  await writeFile(join(root, 'etc/machine-id'), '');
  await rm(join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
  await mkdir(join(root, 'var/cache/apt/archives/partial'), { recursive: true });
}

// Left by a build that crashed; we hold the lock, so nobody else is using them.
async function removeStaleBuilds(path: string): Promise<void> {
  const prefix = `${path.slice(CACHE_DIR.length + 1)}.`;
  for (const entry of readdirSync(CACHE_DIR).filter((e) => e.startsWith(prefix) && !e.endsWith('.lock'))) {
    await removeDirSafely(join(CACHE_DIR, entry));
  }
}

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isRunning, signal } from './test-server-process.js';
import { waitUntil } from './wait-for.js';

// Where systemd-nspawn keeps its books: the name=systemd v1 hierarchy and the cgroup2
// one. Started in the runner's cgroup (the root, here) it makes "payload" and
// "supervisor" there and leaves them behind, and parallel containers would share
// them, so each server gets a cgroup of its own below hms-test/ to start nspawn in.
function hierarchies(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .flatMap((line) => {
      const [mountFields = '', fsFields = ''] = line.split(' - ');
      const [fsType, , superOptions = ''] = fsFields.split(' ');
      const mountPoint = mountFields.split(' ')[4];
      const wanted = fsType === 'cgroup2' || (fsType === 'cgroup' && superOptions.split(',').includes('name=systemd'));
      return wanted && mountPoint ? [mountPoint] : [];
    });
}

export function serverCgroups(name: string): string[] {
  return hierarchies().map((root) => join(root, 'hms-test', name));
}

export async function createServerCgroups(name: string): Promise<string[]> {
  const dirs = serverCgroups(name);
  for (const dir of dirs) {
    // A parallel teardown may remove the shared hms-test/ between our mkdirs; try again.
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(dir, { recursive: true });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  }
  return dirs;
}

/**
 * Kills whatever is still in the server's cgroups (membership is exact, unlike PIDs
 * from a record) and removes them bottom-up, then hms-test/ if no other server uses it.
 */
export async function removeServerCgroups(name: string): Promise<void> {
  for (const dir of serverCgroups(name).filter((d) => existsSync(d))) {
    const pids = () => subtree(dir).flatMap(procs).filter(isRunning);
    for (const pid of pids()) signal(pid, 'SIGKILL');
    if (!(await waitUntil(() => pids().length === 0, 5_000))) throw new Error(`processes left in ${dir}: ${pids().join(' ')}`);
    for (const cgroup of subtree(dir).reverse()) await rmdir(cgroup);
    await rmdir(join(dir, '..')).catch(() => {}); // busy: another server still uses it
  }
}

// dir and every cgroup below it, parents before children.
function subtree(dir: string): string[] {
  const children = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  return [dir, ...children.flatMap((child) => subtree(join(dir, child.name)))];
}

function procs(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

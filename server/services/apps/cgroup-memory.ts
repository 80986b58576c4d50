import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A unit's memory when systemd cannot account it (MemoryCurrent "[not set]": the
 * memory controller is not delegated, as in many containers and older VPS kernels):
 * the resident memory of the processes in the unit's cgroup, summed.
 */
export async function memoryOfCgroup(controlGroup: string, options: { sysFs?: string; procDir?: string } = {}): Promise<number | null> {
  const sysFs = options.sysFs ?? '/sys/fs/cgroup';
  const procDir = options.procDir ?? '/proc';
  // The path comes from systemd, but never let it climb out of the cgroup tree.
  if (!controlGroup.startsWith('/') || controlGroup.split('/').includes('..')) return null;
  const candidates = [path.join(sysFs, controlGroup, 'cgroup.procs'), path.join(sysFs, 'systemd', controlGroup, 'cgroup.procs')];
  for (const file of candidates) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const pids = text.split('\n').filter((line) => /^\d+$/.test(line));
    const sizes = await Promise.all(pids.map((pid) => residentBytes(procDir, pid)));
    return sizes.reduce((sum, size) => sum + size, 0);
  }
  return null;
}

async function residentBytes(procDir: string, pid: string): Promise<number> {
  const status = await readFile(path.join(procDir, pid, 'status'), 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

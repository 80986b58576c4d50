import { stat, statfs } from 'node:fs/promises';
import type { DiskMetrics } from '../../../src/api/metrics.js';
import { percent } from './proc.js';

/**
 * Space and inodes of the file systems holding `paths` (those that exist), one
 * entry per device: "/" and "/var" on one disk are reported once, with both paths.
 * Figures match `df`: free is what non-root users can still use.
 */
export async function diskUsage(paths: readonly string[]): Promise<DiskMetrics[]> {
  const byDevice = new Map<number, DiskMetrics>();
  for (const where of paths) {
    const info = await stat(where).catch(missing);
    if (!info) continue;
    const known = byDevice.get(info.dev);
    if (known) {
      if (!known.paths.includes(where)) known.paths.push(where);
      continue;
    }
    const fs = await statfs(where).catch(missing);
    if (fs) byDevice.set(info.dev, disk(where, fs));
  }
  return [...byDevice.values()];
}

function disk(
  where: string,
  fs: { bsize: number; blocks: number; bfree: number; bavail: number; files: number; ffree: number },
): DiskMetrics {
  const used = (fs.blocks - fs.bfree) * fs.bsize;
  const free = fs.bavail * fs.bsize;
  const inodesUsed = fs.files - fs.ffree;
  return {
    path: where,
    paths: [where],
    sizeBytes: fs.blocks * fs.bsize,
    usedBytes: used,
    freeBytes: free,
    usedPercent: percent(used, used + free),
    inodesTotal: fs.files,
    inodesUsed,
    // Some file systems (btrfs) report no inode limit at all.
    inodesPercent: fs.files > 0 ? percent(inodesUsed, fs.files) : null,
  };
}

function missing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT' || error.code === 'ENOTDIR' || error.code === 'EACCES') return undefined;
  throw error;
}

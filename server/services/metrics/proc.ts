/**
 * The kernel's own counters from /proc (proc(5)): CPU time, memory, load, uptime.
 * `procDir` is injectable so tests can point elsewhere, though /proc itself works.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CpuMetrics, LoadMetrics, MemoryMetrics, SwapMetrics } from '../../../src/api/metrics.js';

export interface CpuTimes {
  busy: number;
  total: number;
  cores: number;
  /** Date.now() when sampled. */
  at: number;
}

/**
 * The aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq
 * steal (guest time is already counted in user). Idle is idle + iowait.
 */
export function parseCpuTimes(stat: string, at = Date.now()): CpuTimes {
  const line = stat.split('\n').find((row) => row.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no "cpu" line');
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  const cores = stat.split('\n').filter((row) => /^cpu\d+ /.test(row)).length;
  return { busy: total - idle - iowait, total, cores, at };
}

export function cpuPercent(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  return total > 0 ? round(((after.busy - before.busy) / total) * 100) : 0;
}

/**
 * CPU use between two samples of /proc/stat: the delta against the previous call
 * when that sample is recent enough, else two samples `sampleMs` apart.
 */
export class CpuSampler {
  private previous: CpuTimes | undefined;

  constructor(
    private readonly procDir = '/proc',
    private readonly sampleMs = 200,
    private readonly maxAgeMs = 60_000,
  ) {}

  async measure(): Promise<CpuMetrics> {
    let before = this.previous;
    const age = before ? Date.now() - before.at : Infinity;
    if (!before || age < this.sampleMs || age > this.maxAgeMs) {
      before = await this.sample();
      await new Promise((resolve) => setTimeout(resolve, this.sampleMs));
    }
    const after = await this.sample();
    this.previous = after;
    return { percent: cpuPercent(before, after), cores: after.cores, sampleMs: after.at - before.at };
  }

  private async sample(): Promise<CpuTimes> {
    return parseCpuTimes(await readFile(path.join(this.procDir, 'stat'), 'utf8'));
  }
}

/** /proc/meminfo values are in kB (KiB). */
export function parseMeminfo(text: string): { memory: MemoryMetrics; swap: SwapMetrics } {
  const kib = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+):\s+(\d+)/.exec(line);
    if (match) kib.set(match[1]!, Number(match[2]) * 1024);
  }
  const total = kib.get('MemTotal') ?? 0;
  const available = kib.get('MemAvailable') ?? kib.get('MemFree') ?? 0;
  const swapTotal = kib.get('SwapTotal') ?? 0;
  const swapFree = kib.get('SwapFree') ?? 0;
  return {
    memory: { totalBytes: total, availableBytes: available, usedBytes: total - available, usedPercent: percent(total - available, total) },
    swap: {
      totalBytes: swapTotal,
      freeBytes: swapFree,
      usedBytes: swapTotal - swapFree,
      usedPercent: percent(swapTotal - swapFree, swapTotal),
    },
  };
}

/** "0.52 0.58 0.59 1/467 12345" */
export function parseLoadavg(text: string): LoadMetrics {
  const [one = 0, five = 0, fifteen = 0] = text.trim().split(/\s+/).slice(0, 3).map(Number);
  return { one, five, fifteen };
}

/** "12345.67 54321.00": seconds since boot, then idle seconds. */
export function parseUptime(text: string): number {
  return Math.floor(Number(text.trim().split(/\s+/)[0]) || 0);
}

export async function readProc(procDir: string) {
  const read = (name: string) => readFile(path.join(procDir, name), 'utf8');
  const [meminfo, loadavg, uptime] = await Promise.all([read('meminfo'), read('loadavg'), read('uptime')]);
  return { ...parseMeminfo(meminfo), load: parseLoadavg(loadavg), uptimeSeconds: parseUptime(uptime) };
}

export function percent(part: number, whole: number): number {
  return whole > 0 ? round((part / whole) * 100) : 0;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * The resident memory of a process and of every process below it, sampled from
 * /proc on a timer: what the agent and the children it starts (grep, tail, nginx -t,
 * scripts) hold while a suite runs. Children that live shorter than the interval
 * can be missed; the interval is kept short for that reason.
 */
import { readdir, readFile } from 'node:fs/promises';

export interface MemoryPeaks {
  /** RSS of the process when sampling started, in bytes. */
  baseline: number;
  /** Highest RSS of the process itself. */
  process: number;
  /** Highest sum of the RSS of all its descendants at one instant. */
  children: number;
  /** Highest sum of the process and its descendants at one instant. */
  total: number;
  /** Most descendants seen at once. */
  childCount: number;
  samples: number;
}

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

/** Every live descendant of `root`, from the parent pid in /proc/<pid>/stat. */
export async function descendantsOf(root: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The command name may hold spaces and parentheses: the ppid follows the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(ppid)) continue;
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of parents.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Samples `pid` and its descendants every `intervalMs` until stop() gives the peaks. */
export async function sampleMemory(pid: number, intervalMs = 75): Promise<{ stop(): Promise<MemoryPeaks> }> {
  const peaks: MemoryPeaks = { baseline: await rssOf(pid), process: 0, children: 0, total: 0, childCount: 0, samples: 0 };
  let running = true;
  const sample = async (): Promise<void> => {
    const children = await descendantsOf(pid);
    const own = await rssOf(pid);
    const childRss = (await Promise.all(children.map(rssOf))).reduce((sum, rss) => sum + rss, 0);
    peaks.process = Math.max(peaks.process, own);
    peaks.children = Math.max(peaks.children, childRss);
    peaks.total = Math.max(peaks.total, own + childRss);
    peaks.childCount = Math.max(peaks.childCount, children.length);
    peaks.samples += 1;
  };
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      await sample();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - started))));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await sample();
      return peaks;
    },
  };
}

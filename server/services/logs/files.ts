/**
 * The newest lines of a log file, optionally within a time window, read from the
 * end so a multi-gigabyte file costs what the answer costs, not what the file weighs.
 */
import type { LogLine } from '../../../src/api/logs.js';
import type { ScanState } from '../files/index.js';
import { entriesFromEnd } from './entries.js';
import type { LineFormat } from './timestamps.js';
import { hasWindow, inWindow, type TimeWindow } from './window.js';

/** What one answer may weigh; older lines beyond it are reported as truncated. */
export const OUTPUT_BUDGET_BYTES = 8 * 1024 * 1024;
/** How far back a time window may make us read before we give up (and say truncated). */
export const MAX_SCAN_BYTES = 512 * 1024 * 1024;

export interface FileLines {
  lines: LogLine[];
  truncated: boolean;
}

export async function readFileLines(options: {
  file: string;
  format: LineFormat;
  lines: number;
  window: TimeWindow;
  maxScanBytes?: number;
}): Promise<FileLines> {
  const { lines: limit, window } = options;
  const scan: ScanState = { scanned: 0, stoppedEarly: false };
  const entries = entriesFromEnd(options.file, options.format, {
    scan,
    maxScanBytes: options.maxScanBytes ?? MAX_SCAN_BYTES,
    maxEntryLines: limit,
    maxEntryBytes: OUTPUT_BUDGET_BYTES,
  });
  const windowed = hasWindow(window);
  const taken: LogLine[][] = [];
  let count = 0;
  let bytes = 0;
  let truncated = false;
  scanning: for await (const batch of entries) {
    for (const entry of batch) {
      if (windowed) {
        // Without a time of its own, an entry cannot be placed in the window.
        if (!entry.ts) continue;
        if (window.since && entry.ts < window.since) break scanning; // logs are written in time order
        if (!inWindow(window, entry.ts)) continue;
      }
      if (count >= limit || bytes >= OUTPUT_BUDGET_BYTES) {
        truncated = true;
        break scanning;
      }
      const room = Math.min(limit - count, fitting(entry.lines, OUTPUT_BUDGET_BYTES - bytes));
      const kept = entry.lines.length > room ? entry.lines.slice(-room) : entry.lines;
      const ts = entry.ts?.toISOString();
      taken.push(kept.map((text) => (ts ? { text, ts } : { text })));
      count += kept.length;
      bytes += kept.reduce((sum, line) => sum + line.length, 0);
      if (kept.length < entry.lines.length) {
        truncated = true;
        break scanning;
      }
    }
  }
  return { lines: taken.reverse().flat(), truncated: truncated || scan.stoppedEarly };
}

/** How many of the newest lines fit in `budget` (at least one, so a huge line still shows). */
function fitting(lines: string[], budget: number): number {
  let used = 0;
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    used += lines[i]!.length;
    if (used > budget) return Math.max(1, lines.length - 1 - i);
  }
  return lines.length;
}

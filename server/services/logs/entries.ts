/**
 * A log file's entries from its end: a line with a time and the lines after it that
 * have none (a stack trace), so a time window keeps a trace with its request.
 */
import { linesFromEnd, type ScanState } from '../files/index.js';
import { lineTime, type LineFormat } from './timestamps.js';

/** One entry: a line with a time and the lines after it that have none (a stack trace). */
export interface Entry {
  ts?: Date;
  /** In file order. */
  lines: string[];
}

/**
 * The file's entries, newest first, in batches. An entry whose timed first line is
 * not found within `maxEntryLines` / `maxEntryBytes` comes out without a time (so do
 * lines before the file's first timed line).
 */
export async function* entriesFromEnd(
  file: string,
  format: LineFormat,
  options: { scan: ScanState; maxScanBytes: number; maxEntryLines: number; maxEntryBytes: number },
): AsyncGenerator<Entry[]> {
  let pending: string[] = [];
  let pendingBytes = 0;
  for await (const lines of linesFromEnd(file, { scan: options.scan, maxScanBytes: options.maxScanBytes })) {
    const entries: Entry[] = [];
    for (const line of lines) {
      const ts = lineTime(format, line);
      if (ts) {
        entries.push({ ts, lines: [line, ...pending.reverse()] });
        pending = [];
        pendingBytes = 0;
        continue;
      }
      pending.push(line);
      pendingBytes += line.length;
      if (pending.length >= options.maxEntryLines || pendingBytes >= options.maxEntryBytes) {
        entries.push({ lines: pending.reverse() });
        pending = [];
        pendingBytes = 0;
      }
    }
    if (entries.length > 0) yield entries;
  }
  if (pending.length > 0) yield [{ lines: pending.reverse() }];
}

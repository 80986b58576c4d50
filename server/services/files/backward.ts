/**
 * A log file read from its end, in fixed chunks: memory stays bounded by the chunk,
 * one line (cut at `maxLineBytes`) and one entry, whatever the file's size.
 */
import { open } from 'node:fs/promises';
import { lineTime, type LineFormat } from '../logs/timestamps.js';

const CHUNK_BYTES = 256 * 1024;
export const MAX_LINE_BYTES = 64 * 1024;

export interface ScanState {
  /** Bytes read so far. */
  scanned: number;
  /** True when the scan stopped at `maxScanBytes` before the file's start. */
  stoppedEarly: boolean;
}

/**
 * The file's lines, newest first, one batch per chunk read (batches keep the
 * per-line cost low on big scans); a line longer than `MAX_LINE_BYTES` keeps its beginning.
 */
export async function* linesFromEnd(file: string, scan: ScanState, maxScanBytes: number): AsyncGenerator<string[]> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    let position = size;
    let carry = Buffer.alloc(0);
    let atEnd = true;
    while (position > 0) {
      if (scan.scanned >= maxScanBytes) {
        scan.stoppedEarly = true;
        return;
      }
      const length = Math.min(CHUNK_BYTES, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      scan.scanned += length;
      const buffer = carry.length > 0 ? Buffer.concat([chunk, carry]) : chunk;
      let end = buffer.length;
      const batch: string[] = [];
      for (let nl = chunk.lastIndexOf(10, length - 1); nl >= 0; nl = nl > 0 ? chunk.lastIndexOf(10, nl - 1) : -1) {
        // A final newline ends the last line; it does not start an empty one.
        if (!(atEnd && nl + 1 === end)) batch.push(text(buffer, nl + 1, end));
        atEnd = false;
        end = nl;
      }
      // The start of a line whose beginning is further back; a huge one keeps its first bytes.
      carry = Buffer.from(buffer.subarray(0, Math.min(end, MAX_LINE_BYTES)));
      if (batch.length > 0) yield batch;
    }
    if (carry.length > 0 || !atEnd) yield [text(carry, 0, carry.length)];
  } finally {
    await handle.close();
  }
}

function text(buffer: Buffer, start: number, end: number): string {
  return buffer.toString('utf8', start, Math.min(end, start + MAX_LINE_BYTES));
}

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
  for await (const lines of linesFromEnd(file, options.scan, options.maxScanBytes)) {
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

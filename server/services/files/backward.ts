/**
 * A file read from its end, in fixed chunks: memory stays bounded by one chunk and
 * one line (cut at `maxLineBytes`), whatever the file's size, and a caller that stops
 * early reads nothing more. The one backwards reader: log files, the audit log and
 * nginx's access logs all go through it.
 */
import { open, type FileHandle } from 'node:fs/promises';

const CHUNK_BYTES = 256 * 1024;
/** A longer line keeps its beginning (the head is where log lines keep their time). */
export const MAX_LINE_BYTES = 64 * 1024;

export interface ScanState {
  /** Bytes read so far. */
  scanned: number;
  /** True when the scan stopped at `maxScanBytes` before the file's start. */
  stoppedEarly: boolean;
}

export interface BackwardOptions {
  /** Read no further back than this; the line cut by that stop is not given. */
  maxScanBytes?: number;
  /** Filled in as the read goes, so a caller can tell a short file from a stopped scan. */
  scan?: ScanState;
  maxLineBytes?: number;
  chunkBytes?: number;
}

/**
 * The file's lines, newest first, one batch per chunk read (batches keep the
 * per-line cost low on big scans). A final newline does not make an empty last
 * line; a last line without one is still a line. Given an open handle (a file
 * already checked), it reads that and closes it when done.
 */
export async function* linesFromEnd(file: string | FileHandle, options: BackwardOptions = {}): AsyncGenerator<string[]> {
  const maxScanBytes = options.maxScanBytes ?? Infinity;
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const scan = options.scan ?? { scanned: 0, stoppedEarly: false };
  const text = (buffer: Buffer, start: number, end: number) => buffer.toString('utf8', start, Math.min(end, start + maxLineBytes));
  const handle = typeof file === 'string' ? await open(file, 'r') : file;
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
      const length = Math.min(chunkBytes, position);
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
      carry = Buffer.from(buffer.subarray(0, Math.min(end, maxLineBytes)));
      if (batch.length > 0) yield batch;
    }
    if (carry.length > 0 || !atEnd) yield [text(carry, 0, carry.length)];
  } finally {
    await handle.close();
  }
}

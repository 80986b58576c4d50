import { open } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/**
 * The last `count` lines of a file, read backwards in fixed chunks: memory stays
 * bounded by the lines asked for (and `maxBytes`), whatever the file's size.
 */
export async function readLastLines(file: string, count: number, maxBytes = 16 * 1024 * 1024): Promise<string[]> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    let position = size;
    let newlines = 0;
    const chunks: Buffer[] = [];
    let read = 0;
    while (position > 0 && newlines <= count && read < maxBytes) {
      const length = Math.min(CHUNK, position);
      position -= length;
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, position);
      chunks.unshift(buffer);
      read += length;
      for (const byte of buffer) if (byte === 10) newlines += 1;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    // The first line may be cut in half when we stopped before the file's start.
    if (position > 0) lines.shift();
    return lines.slice(-count);
  } finally {
    await handle.close();
  }
}

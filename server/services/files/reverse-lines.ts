import { open, type FileHandle } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/**
 * A file's lines from the last to the first, read backwards in fixed chunks: memory
 * stays bounded by one chunk plus one line, whatever the file's size, and a caller
 * that `break`s early reads nothing more. A line longer than `maxLineBytes` is
 * yielded cut to its first `maxLineBytes` bytes (the head is where log lines keep
 * their timestamp). A final newline does not make an empty last line. Given an open
 * handle (a file already checked), it reads that and closes it when done.
 */
export async function* reverseLines(file: string | FileHandle, options: { maxLineBytes?: number; chunkBytes?: number } = {}): AsyncGenerator<string> {
  const maxLineBytes = options.maxLineBytes ?? 64 * 1024;
  const chunkBytes = options.chunkBytes ?? CHUNK;
  const handle = typeof file === 'string' ? await open(file, 'r') : file;
  try {
    let position = (await handle.stat()).size;
    // Bytes of the line being assembled: everything after the newline not yet seen.
    let carry = Buffer.alloc(0);
    let atEnd = true;
    while (position > 0) {
      const length = Math.min(chunkBytes, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      let end = chunk.length;
      for (let index = chunk.length - 1; index >= 0; index -= 1) {
        if (chunk[index] !== 10) continue;
        const line = Buffer.concat([chunk.subarray(index + 1, end), carry]);
        carry = Buffer.alloc(0);
        end = index;
        if (atEnd && line.length === 0) {
          atEnd = false;
          continue;
        }
        atEnd = false;
        yield head(line, maxLineBytes);
      }
      carry = Buffer.concat([chunk.subarray(0, end), carry]);
      if (carry.length > maxLineBytes) carry = carry.subarray(0, maxLineBytes);
    }
    if (carry.length > 0) yield head(carry, maxLineBytes);
  } finally {
    await handle.close();
  }
}

function head(line: Buffer, maxLineBytes: number): string {
  return line.subarray(0, maxLineBytes).toString('utf8');
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linesFromEnd, MAX_LINE_BYTES, type BackwardOptions } from '../../../../server/services/files/backward.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-files-backward-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function logFile(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

async function backwards(file: string, options?: BackwardOptions): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of linesFromEnd(file, options)) lines.push(...batch);
  return lines;
}

describe('reading a file from its end', () => {
  it(
    'Given files with and without a final newline, empty lines and an empty file, ' +
      'When read backwards, Then every line comes out once, newest first',
    async () => {
      expect(await backwards(await logFile('a', 'one\ntwo\n'))).toEqual(['two', 'one']);
      expect(await backwards(await logFile('b', 'one\ntwo'))).toEqual(['two', 'one']);
      expect(await backwards(await logFile('c', 'one\n\n\nfour\n'))).toEqual(['four', '', '', 'one']);
      expect(await backwards(await logFile('d', ''))).toEqual([]);
      expect(await backwards(await logFile('e', '\n'))).toEqual(['']);
    },
  );

  it('Given lines that straddle the read chunks and multi-byte characters, When read backwards, Then they are whole', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `${i} ${'é'.repeat(i % 97)} ☃`);
    expect(await backwards(await logFile('f', `${lines.join('\n')}\n`))).toEqual(lines.reverse());
  });

  it(
    'Given a line far longer than the line bound, When read backwards, ' + 'Then it keeps its beginning and its neighbours are intact',
    async () => {
      const huge = `START${'x'.repeat(3 * MAX_LINE_BYTES)}END`;
      const lines = await backwards(await logFile('g', `before\n${huge}\nafter\n`));
      expect(lines).toHaveLength(3);
      expect(lines[0]).toBe('after');
      expect(lines[1]!.startsWith('STARTxxx')).toBe(true);
      expect(lines[1]!.length).toBe(MAX_LINE_BYTES);
      expect(lines[2]).toBe('before');
    },
  );
});

describe('reading a file from its end in small chunks', () => {
  it('Given a file read in tiny chunks, When iterated, Then lines come last to first, whole, with multibyte text intact', async () => {
    const file = await logFile('lines.txt', 'first\nzweite Zeile – ü\n\nlast line\n');
    expect(await backwards(file, { chunkBytes: 3 })).toEqual(['last line', '', 'zweite Zeile – ü', 'first']);
  });

  it('Given no final newline or an empty file, When iterated, Then the last partial line is still a line', async () => {
    const file = await logFile('partial.txt', 'a\nb');
    expect(await backwards(file, { chunkBytes: 1 })).toEqual(['b', 'a']);
    await writeFile(file, '');
    expect(await backwards(file)).toEqual([]);
  });

  it('Given a line longer than the bound, When iterated, Then it is cut to its head and memory stays bounded', async () => {
    const file = await logFile('long.txt', `short\nHEAD${'x'.repeat(100_000)}TAIL\nend\n`);
    const lines = await backwards(file, { chunkBytes: 4096, maxLineBytes: 16 });
    expect(lines).toEqual(['end', `HEAD${'x'.repeat(12)}`, 'short']);
  });
});

describe('reading a file from its end within a scan bound', () => {
  it(
    "Given a bound that stops the read before the file's start, When read, " +
      'Then only whole lines come out and the scan says it stopped early',
    async () => {
      const file = await logFile('bounded.txt', 'aaaa\nbbbb\ncccc\n');
      const scan = { scanned: 0, stoppedEarly: false };
      expect(await backwards(file, { chunkBytes: 4, maxScanBytes: 8, scan })).toEqual(['cccc']);
      expect(scan).toEqual({ scanned: 8, stoppedEarly: true });
    },
  );
});

import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linesFromEnd, MAX_LINE_BYTES } from '../../../../server/services/files/backward.js';
import { readFileLines } from '../../../../server/services/logs/files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-logs-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function logFile(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

async function backwards(file: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of linesFromEnd(file, { scanned: 0, stoppedEarly: false }, Infinity)) lines.push(...batch);
  return lines;
}

const rails = (second: number, message: string) => `I, [2026-11-25T18:00:${String(second).padStart(2, '0')}.000000 #7]  INFO -- : ${message}`;

describe('reading a file from its end', () => {
  it('Given files with and without a final newline, empty lines and an empty file, When read backwards, Then every line comes out once, newest first', async () => {
    expect(await backwards(await logFile('a', 'one\ntwo\n'))).toEqual(['two', 'one']);
    expect(await backwards(await logFile('b', 'one\ntwo'))).toEqual(['two', 'one']);
    expect(await backwards(await logFile('c', 'one\n\n\nfour\n'))).toEqual(['four', '', '', 'one']);
    expect(await backwards(await logFile('d', ''))).toEqual([]);
    expect(await backwards(await logFile('e', '\n'))).toEqual(['']);
  });

  it('Given lines that straddle the read chunks and multi-byte characters, When read backwards, Then they are whole', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `${i} ${'é'.repeat(i % 97)} ☃`);
    expect(await backwards(await logFile('f', `${lines.join('\n')}\n`))).toEqual(lines.reverse());
  });

  it('Given a line far longer than the line bound, When read backwards, Then it keeps its beginning and its neighbours are intact', async () => {
    const huge = `START${'x'.repeat(3 * MAX_LINE_BYTES)}END`;
    const lines = await backwards(await logFile('g', `before\n${huge}\nafter\n`));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('after');
    expect(lines[1]!.startsWith('STARTxxx')).toBe(true);
    expect(lines[1]!.length).toBe(MAX_LINE_BYTES);
    expect(lines[2]).toBe('before');
  });
});

describe('readFileLines', () => {
  it('Given a Rails log, When the last lines are asked for, Then they come oldest first with times, stack lines inheriting theirs', async () => {
    const file = await logFile('production.log', [rails(1, 'Started GET "/"'), rails(2, 'boom'), '  app/models/cigar.rb:12', rails(3, 'Completed 500')].join('\n') + '\n');
    const result = await readFileLines({ file, format: 'rails', lines: 3, window: {} });
    expect(result.truncated).toBe(true);
    expect(result.lines.map((line) => line.text)).toEqual([rails(2, 'boom'), '  app/models/cigar.rb:12', rails(3, 'Completed 500')]);
    expect(result.lines[1]!.ts).toBe(result.lines[0]!.ts);
  });

  it('Given exactly as many lines as asked for, When read, Then nothing is reported truncated', async () => {
    const file = await logFile('two.log', `${rails(1, 'a')}\n${rails(2, 'b')}\n`);
    expect(await readFileLines({ file, format: 'rails', lines: 2, window: {} })).toMatchObject({ truncated: false });
  });

  it('Given a time window, When read, Then only entries inside it come back, whole with their stack lines', async () => {
    const text = Array.from({ length: 50 }, (_, s) => `${rails(s, `request ${s}`)}\n  trace ${s}\n`).join('');
    const file = await logFile('window.log', text);
    const since = new Date(2026, 10, 25, 18, 0, 10);
    const until = new Date(2026, 10, 25, 18, 0, 12);
    const result = await readFileLines({ file, format: 'rails', lines: 100, window: { since, until } });
    expect(result.lines.map((line) => line.text)).toEqual([rails(10, 'request 10'), '  trace 10', rails(11, 'request 11'), '  trace 11', rails(12, 'request 12'), '  trace 12']);
    expect(result.truncated).toBe(false);
  });

  it('Given a window and a file whose format has no times, When read, Then nothing is guessed', async () => {
    const file = await logFile('plain.log', 'no\ntimes\nhere\n');
    expect((await readFileLines({ file, format: 'rails', lines: 10, window: { since: new Date(0) } })).lines).toEqual([]);
    expect((await readFileLines({ file, format: 'rails', lines: 10, window: {} })).lines).toEqual([{ text: 'no' }, { text: 'times' }, { text: 'here' }]);
  });

  it('Given a scan bound smaller than the distance to the window, When read, Then the answer says it is truncated', async () => {
    const text = Array.from({ length: 6000 }, (_, i) => rails(i % 60, `line ${i} ${'p'.repeat(200)}`)).join('\n');
    const file = await logFile('scan.log', `${text}\n`);
    const result = await readFileLines({ file, format: 'rails', lines: 10, window: { until: new Date(2000, 0, 1) }, maxScanBytes: 300 * 1024 });
    expect(result).toEqual({ lines: [], truncated: true });
  });
});

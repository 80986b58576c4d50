import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const rails = (second: number, message: string) =>
  `I, [2026-11-25T18:00:${String(second).padStart(2, '0')}.000000 #7]  INFO -- : ${message}`;

describe('readFileLines', () => {
  it(
    'Given a Rails log, When the last lines are asked for, ' + 'Then they come oldest first with times, stack lines inheriting theirs',
    async () => {
      const file = await logFile(
        'production.log',
        [rails(1, 'Started GET "/"'), rails(2, 'boom'), '  app/models/cigar.rb:12', rails(3, 'Completed 500')].join('\n') + '\n',
      );
      const result = await readFileLines({ file, format: 'rails', lines: 3, window: {} });
      expect(result.truncated).toBe(true);
      expect(result.lines.map((line) => line.text)).toEqual([rails(2, 'boom'), '  app/models/cigar.rb:12', rails(3, 'Completed 500')]);
      expect(result.lines[1]!.ts).toBe(result.lines[0]!.ts);
    },
  );

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
    expect(result.lines.map((line) => line.text)).toEqual([
      rails(10, 'request 10'),
      '  trace 10',
      rails(11, 'request 11'),
      '  trace 11',
      rails(12, 'request 12'),
      '  trace 12',
    ]);
    expect(result.truncated).toBe(false);
  });

  it('Given a window and a file whose format has no times, When read, Then nothing is guessed', async () => {
    const file = await logFile('plain.log', 'no\ntimes\nhere\n');
    expect((await readFileLines({ file, format: 'rails', lines: 10, window: { since: new Date(0) } })).lines).toEqual([]);
    expect((await readFileLines({ file, format: 'rails', lines: 10, window: {} })).lines).toEqual([
      { text: 'no' },
      { text: 'times' },
      { text: 'here' },
    ]);
  });

  it('Given a scan bound smaller than the distance to the window, When read, Then the answer says it is truncated', async () => {
    const text = Array.from({ length: 6000 }, (_, i) => rails(i % 60, `line ${i} ${'p'.repeat(200)}`)).join('\n');
    const file = await logFile('scan.log', `${text}\n`);
    const result = await readFileLines({
      file,
      format: 'rails',
      lines: 10,
      window: { until: new Date(2000, 0, 1) },
      maxScanBytes: 300 * 1024,
    });
    expect(result).toEqual({ lines: [], truncated: true });
  });
});

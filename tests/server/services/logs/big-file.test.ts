/**
 * A log of a few hundred MB: every way of reading it must keep the agent's memory
 * bounded (the answer's size, not the file's).
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../../../src/platform/exec.js';
import { readFileLines } from '../../../../server/services/logs/files.js';
import { grepFile } from '../../../../server/services/logs/grep.js';

const LINES = 3_000_000; // ~100 bytes each: ~300 MB
const START = new Date(2026, 10, 25, 0, 0, 0).getTime();
let dir: string;
let file: string;

/** One request every second; every 10th line is followed by a stack line without a time. */
function line(i: number): string {
  const at = new Date(START + i * 1000);
  const stamp =
    `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}:` +
    `${pad(at.getSeconds())}.000000`;
  const text = `I, [${stamp} #4242]  INFO -- : [req-${i}] Completed 200 OK in ${i % 997}ms (Views: 1.2ms | ActiveRecord: 0.4ms)\n`;
  return i % 10 === 0 ? `${text}  app/controllers/cigars_controller.rb:${i % 50}:in 'show'\n` : text;
}
const pad = (n: number) => String(n).padStart(2, '0');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-logs-big-'));
  file = path.join(dir, 'production.log');
  const handle = await open(file, 'w');
  for (let i = 0; i < LINES; i += 20_000) {
    let chunk = '';
    for (let j = i; j < i + 20_000; j += 1) chunk += line(j);
    await handle.write(chunk);
  }
  await handle.close();
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The peak growth of the process's resident memory while `run` works. */
async function rssGrowth<T>(run: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthMb: (peak - before) / 1024 / 1024 };
  } finally {
    clearInterval(sampler);
  }
}

const at = (i: number) => new Date(START + i * 1000);

describe('a log of a few hundred MB', () => {
  it('Given the file, When the last 10000 lines are read, Then they are the newest and memory grows by less than 100 MB', async () => {
    const { result, growthMb } = await rssGrowth(() => readFileLines({ file, format: 'rails', lines: 10_000, window: {} }));
    expect(result.lines).toHaveLength(10_000);
    expect(result.lines.at(-1)!.text).toContain(`[req-${LINES - 1}]`);
    expect(result.truncated).toBe(true);
    expect(growthMb).toBeLessThan(100);
  });

  it('Given a window near the end, When read, Then exactly its entries come back, quickly and in bounded memory', async () => {
    const started = Date.now();
    const { result, growthMb } = await rssGrowth(() =>
      readFileLines({ file, format: 'rails', lines: 10_000, window: { since: at(LINES - 100), until: at(LINES - 51) } }),
    );
    const requests = result.lines.filter((l) => l.text.startsWith('I, ['));
    expect(requests).toHaveLength(50);
    expect(requests[0]!.text).toContain(`[req-${LINES - 100}]`);
    expect(result.lines.filter((l) => l.text.startsWith('  app/'))).toHaveLength(5);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(growthMb).toBeLessThan(100);
  });

  it('Given a window before the whole file, When read, Then all of it is scanned backwards without holding it', async () => {
    const { result, growthMb } = await rssGrowth(() =>
      readFileLines({ file, format: 'rails', lines: 10_000, window: { until: new Date(START - 1000) } }),
    );
    expect(result.lines).toEqual([]);
    expect(growthMb).toBeLessThan(100);
  }, 60_000);

  it('Given a pattern every line matches, When grep runs, Then only the newest matches are kept, in bounded memory', async () => {
    const { result, growthMb } = await rssGrowth(() =>
      grepFile(exec, {
        file,
        source: 'cigar:production',
        format: 'rails',
        pattern: 'Completed|app/',
        ignoreCase: false,
        context: 0,
        lines: 10_000,
        window: {},
      }),
    );
    expect(result.lines).toHaveLength(10_000);
    expect(result.truncated).toBe(true);
    expect(result.lines.at(-1)!.text).toContain(`[req-${LINES - 1}]`);
    expect(result.lines.at(-1)!.lineNumber).toBe(LINES + LINES / 10);
    expect(growthMb).toBeLessThan(100);
  }, 60_000);

  it('Given a rare pattern with context and a window, When grep runs, ' +
    'Then the matches and their neighbours come back with times', async () => {
    const { result, growthMb } = await rssGrowth(() =>
      grepFile(exec, {
        file,
        source: 'cigar:production',
        format: 'rails',
        pattern: 'req-29999(5|7)0\\]',
        ignoreCase: false,
        context: 1,
        lines: 100,
        window: { since: at(2_999_960) },
      }),
    );
    expect(result.matched).toBe(1);
    expect(result.lines.map((l) => [l.context ?? false, l.text.slice(0, 70)])).toEqual([
      [true, expect.stringContaining('req-2999969]')],
      [false, expect.stringContaining('req-2999970]')],
      [true, "  app/controllers/cigars_controller.rb:20:in 'show'"],
    ]);
    expect(result.lines.every((l) => l.ts === at(2_999_969).toISOString() || l.ts === at(2_999_970).toISOString())).toBe(true);
    expect(growthMb).toBeLessThan(100);
  }, 60_000);
});

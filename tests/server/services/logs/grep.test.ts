import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../../../src/platform/exec.js';
import { grepArgv, grepFile, parseGrepOutput } from '../../../../server/services/logs/grep.js';

let dir: string;
let file: string;
const access = (minute: number, request: string, status: number) =>
  `203.0.113.9 - - [25/Nov/2026:18:${String(minute).padStart(2, '0')}:00 +0000] "${request}" ${status} 512 "-" "curl/7.88.1"`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-logs-grep-'));
  file = path.join(dir, 'access.log');
  const lines = [
    access(1, 'GET /up HTTP/1.1', 200),
    access(2, 'GET /orders HTTP/1.1', 502),
    access(3, 'GET /up HTTP/1.1', 200),
    access(4, 'POST /orders HTTP/1.1', 502),
    access(5, 'GET /$(id) HTTP/1.1', 404),
    access(6, 'GET /up HTTP/1.1', 200),
  ];
  await writeFile(file, `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const search = (overrides: Partial<Parameters<typeof grepFile>[1]>) =>
  grepFile(exec, {
    file,
    source: 'nginx:access',
    format: 'nginx-access',
    pattern: 'x',
    ignoreCase: false,
    context: 0,
    lines: 200,
    window: {},
    ...overrides,
  });

describe('grep argv', () => {
  it('Given patterns that look like options, When the argv is built, Then they follow -e and the file follows --', () => {
    for (const pattern of ['-f/etc/shadow', '--include=*', '$(id)', '-r']) {
      const argv = grepArgv({ file: '/var/log/nginx/access.log', pattern, ignoreCase: true, context: 2 });
      expect(argv).toEqual(['grep', '-E', '-n', '--binary-files=text', '-i', '-C', '2', '-e', pattern, '--', '/var/log/nginx/access.log']);
    }
  });
});

describe('grepFile with the real grep -E', () => {
  it('Given an extended regex, When searched, Then the matching lines come back with their line numbers and times', async () => {
    const result = await search({ pattern: '" 50[0-9] ' });
    expect(result.matched).toBe(2);
    expect(result.lines.map((l) => [l.lineNumber, l.ts])).toEqual([
      [2, '2026-11-25T18:02:00.000Z'],
      [4, '2026-11-25T18:04:00.000Z'],
    ]);
  });

  it('Given context, When searched, Then neighbours come back marked as context', async () => {
    const result = await search({ pattern: 'POST', context: 1 });
    expect(result.lines.map((l) => [l.lineNumber, l.context ?? false])).toEqual([
      [3, true],
      [4, false],
      [5, true],
    ]);
    expect(result.matched).toBe(1);
  });

  it('Given shell text and option-like patterns, When searched, Then grep takes them as patterns, literally', async () => {
    expect((await search({ pattern: '\\$\\(id\\)' })).lines.map((l) => l.lineNumber)).toEqual([5]);
    expect((await search({ pattern: '-f/etc/shadow' })).lines).toEqual([]);
    expect((await search({ pattern: '--include=*' })).lines).toEqual([]);
  });

  it('Given ignoreCase and a lines bound, When searched, Then case is ignored and only the newest matches are kept', async () => {
    const result = await search({ pattern: 'get /UP', ignoreCase: true, lines: 2 });
    expect(result.lines.map((l) => l.lineNumber)).toEqual([3, 6]);
    expect(result.truncated).toBe(true);
  });

  it('Given a window, When searched, Then matches outside it are left out', async () => {
    const result = await search({ pattern: 'orders', window: { since: new Date('2026-11-25T18:03:00Z') } });
    expect(result.lines.map((l) => l.lineNumber)).toEqual([4]);
  });

  it('Given a pattern grep itself rejects, When searched, Then a 400 quotes grep', async () => {
    await expect(search({ pattern: '[[:nope:]]' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/grep: Invalid character class name/),
    });
  });
});

describe('parseGrepOutput', () => {
  it('Given output whose oldest bytes were dropped, When parsed, Then the cut first line is left out and groups keep their times', () => {
    const out = 'ment of a cut line\n--\n7-2026/11/25 18:02:11 [error] 1#1: boom\n8:  continued\n--\n20:  orphan\n';
    expect(parseGrepOutput(out, true, 'nginx-error')).toEqual([
      { text: '2026/11/25 18:02:11 [error] 1#1: boom', ts: new Date(2026, 10, 25, 18, 2, 11).toISOString(), lineNumber: 7, context: true },
      { text: '  continued', ts: new Date(2026, 10, 25, 18, 2, 11).toISOString(), lineNumber: 8 },
      { text: '  orphan', lineNumber: 20 },
    ]);
  });
});

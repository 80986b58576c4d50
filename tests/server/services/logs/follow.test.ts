import { appendFile, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SSEStreamingApi } from 'hono/streaming';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../support/wait-for.js';
import type { LogLine } from '../../../../src/api/logs.js';
import { exec } from '../../../../src/platform/exec.js';
import { agentConfigSchema } from '../../../../server/config.js';
import { planFollow, runFollow } from '../../../../server/services/logs/follow.js';
import { LineTimes } from '../../../../server/services/logs/follow-filter.js';
import { streamFollow } from '../../../../server/services/logs/follow-sse.js';
import { LineSplitter } from '../../../../server/services/logs/line-splitter.js';

let dir: string;
let errorLog: string;
const config = () => agentConfigSchema.parse({ nginx: { errorLog, accessLog: path.join(dir, 'missing.log') } });
const nginxError = (second: number, message: string) => `2026/11/25 18:02:${String(second).padStart(2, '0')} [error] 812#812: ${message}`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-logs-follow-'));
  errorLog = path.join(dir, 'error.log');
  await writeFile(errorLog, `${nginxError(1, 'old one')}\n${nginxError(2, 'old two')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('planFollow', () => {
  it('Given a file source, When planned, Then tail follows that file by name with the asked backlog', async () => {
    const plan = await planFollow({ config: config(), source: 'nginx:error', query: { lines: 5, ignoreCase: false } });
    expect(plan.argv).toEqual(['tail', '-n', '5', '-F', '--', errorLog]);
  });

  it("Given a file and a pattern, When planned, Then tail's lines go through grep reading stdin, the pattern after -e", async () => {
    const plan = await planFollow({ config: config(), source: 'nginx:error', query: { lines: 5, ignoreCase: true, grep: '-e' } });
    expect(plan.argv).toEqual(['tail', '-n', '5', '-F', '--', errorLog]);
    expect(plan.filter).toEqual(['grep', '--line-buffered', '--binary-files=text', '-E', '-n', '-i', '-e', '-e', '--', '-']);
  });

  it(
    'Given a journal source and a pattern, When planned, ' +
      'Then journalctl -f filters with --grep itself (PCRE2) and the agent runs no filter',
    async () => {
      const plan = await planFollow({ config: config(), source: 'journal:nginx', query: { lines: 0, ignoreCase: false, grep: 'a*a*b' } });
      expect(plan.argv).toEqual([
        'journalctl',
        '--no-pager',
        '--quiet',
        '-o',
        'short-iso',
        '-f',
        '-n',
        '0',
        '-u',
        'nginx.service',
        '--grep=a*a*b',
        '--case-sensitive=true',
      ]);
      expect(plan.filter).toBeUndefined();
    },
  );

  it('Given a log that is a symlink out of its folder, When planned, Then a 403 before anything runs', async () => {
    const secret = path.join(dir, 'outside-secret.txt');
    await writeFile(secret, 'secret\n');
    const logs = await mkdtemp(path.join(tmpdir(), 'hms-logs-follow-link-'));
    await symlink(secret, path.join(logs, 'error.log'));
    const linked = agentConfigSchema.parse({ nginx: { errorLog: path.join(logs, 'error.log') } });
    await expect(planFollow({ config: linked, source: 'nginx:error', query: { lines: 0, ignoreCase: false } })).rejects.toMatchObject({
      status: 403,
      message: 'Log nginx:error resolves outside its folder; refusing.',
    });
    await rm(logs, { recursive: true, force: true });
  });

  it('Given a missing file, a priority on a file, or a risky pattern, When planned, Then it is refused before anything runs', async () => {
    await expect(planFollow({ config: config(), source: 'nginx:access', query: { lines: 0, ignoreCase: false } })).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      planFollow({ config: config(), source: 'nginx:error', query: { lines: 0, ignoreCase: false, priority: 3 } }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      planFollow({ config: config(), source: 'nginx:error', query: { lines: 0, ignoreCase: false, grep: '(a+)+$' } }),
    ).rejects.toMatchObject({ status: 400 });
  });
});

describe('runFollow with the real tail -F', () => {
  it('Given a followed file, When lines are appended, Then the matching ones arrive with times until the signal stops tail', async () => {
    const plan = await planFollow({
      config: config(),
      source: 'nginx:error',
      query: { lines: 2, ignoreCase: true, grep: 'UPSTREAM|old two' },
    });
    const seen: LogLine[] = [];
    const stop = new AbortController();
    const running = runFollow({ exec, plan, signal: stop.signal, onLines: (lines) => seen.push(...lines) });
    await waitFor(
      () => seen.length === 1,
      () => `the backlog; lines so far: ${JSON.stringify(seen)}`,
      5_000,
    );
    await appendFile(errorLog, `${nginxError(3, 'upstream timed out')}\n  while reading response header\n${nginxError(4, 'unrelated')}\n`);
    await waitFor(
      () => seen.length === 2,
      () => `the appended match; lines so far: ${JSON.stringify(seen)}`,
      5_000,
    );
    stop.abort();
    expect(await running).toEqual({ reason: 'stopped' });
    expect(seen.map((l) => l.text)).toEqual([nginxError(2, 'old two'), nginxError(3, 'upstream timed out')]);
    expect(seen[1]!.ts).toBe(new Date(2026, 10, 25, 18, 2, 3).toISOString());
  });

  it(
    'Given a matching line without a time of its own, When it arrives through grep, ' +
      'Then it carries the time of the skipped line above it',
    async () => {
      // A log of its own: the tests below read the shared one's last line.
      const own = path.join(dir, 'continuation.log');
      await writeFile(own, `${nginxError(6, 'before')}\n`);
      const ownConfig = agentConfigSchema.parse({ nginx: { errorLog: own } });
      const plan = await planFollow({
        config: ownConfig,
        source: 'nginx:error',
        query: { lines: 0, ignoreCase: false, grep: 'while reading' },
      });
      const seen: LogLine[] = [];
      const stop = new AbortController();
      const running = runFollow({ exec, plan, signal: stop.signal, onLines: (lines) => seen.push(...lines) });
      await waitFor(
        async () => (await grepChildren()).length === 1,
        () => 'grep to start',
        5_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 200)); // tail -F has opened the file
      await appendFile(own, `${nginxError(7, 'upstream timed out')}\n  while reading response header\n`);
      await waitFor(
        () => seen.length === 1,
        () => `the continuation line; lines so far: ${JSON.stringify(seen)}`,
        5_000,
      );
      stop.abort();
      expect(await running).toEqual({ reason: 'stopped' });
      expect(seen).toEqual([{ text: '  while reading response header', ts: new Date(2026, 10, 25, 18, 2, 7).toISOString() }]);
      await waitFor(
        async () => (await grepChildren()).length === 0,
        () => 'grep to end',
        5_000,
      );
    },
  );

  it(
    'Given a pattern JavaScript takes but grep does not, When followed, ' + 'Then grep says why, the follow ends, and tail is stopped too',
    async () => {
      const plan = await planFollow({
        config: config(),
        source: 'nginx:error',
        query: { lines: 1, ignoreCase: false, grep: '[[:nope:]]' },
      });
      const stop = new AbortController();
      const { reason } = await runFollow({ exec, plan, signal: stop.signal, onLines: () => undefined });
      expect(reason).toMatch(/^grep exited with 2: grep: .*class/i);
    },
  );

  it('Given a follow that is aborted before tail even starts, When run, Then it ends at once', async () => {
    const plan = await planFollow({ config: config(), source: 'nginx:error', query: { lines: 0, ignoreCase: false } });
    const stop = new AbortController();
    stop.abort();
    expect(await runFollow({ exec, plan, signal: stop.signal, onLines: () => undefined })).toEqual({ reason: 'stopped' });
  });
});

describe('streamFollow', () => {
  it(
    'Given a quiet log, When followed as SSE, ' + 'Then ping comments keep the connection alive and a cancelled reader stops tail',
    async () => {
      const plan = await planFollow({ config: config(), source: 'nginx:error', query: { lines: 1, ignoreCase: false } });
      const { readable, writable } = new TransformStream();
      const stream = new SSEStreamingApi(writable, readable);
      const done = streamFollow(stream, { exec, plan, keepAliveMs: 50 });
      const reader = stream.responseReadable.getReader();
      let text = '';
      // tail may start after the first ping (a loaded machine): wait for both.
      while (!text.includes(': ping') || !text.includes('event: line')) text += new TextDecoder().decode((await reader.read()).value);
      expect(text).toContain('event: line\ndata: {"text":"2026/11/25 18:02:04 [error] 812#812: unrelated"');
      await reader.cancel();
      await done;
    },
  );
});

describe('LineTimes', () => {
  it('Given times recorded as lines are fed, When grep answers line numbers in order, Then each gets the time in force at its line', () => {
    const times = new LineTimes();
    times.record(1, undefined);
    times.record(2, 'A');
    times.record(3, 'A');
    times.record(4, 'B');
    expect(times.at(1)).toBeUndefined();
    expect(times.at(3)).toBe('A');
    expect(times.at(5)).toBe('B');
    expect(times.at(2)).toBeNull(); // already answered past it: forgotten
  });
});

/** grep children of this process (a follow's filter), from /proc. */
async function grepChildren(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const m = /^(\d+) \((.*)\) \S+ (\d+)/.exec(stat);
    if (m && m[2] === 'grep' && Number(m[3]) === process.pid) pids.push(Number(m[1]));
  }
  return pids;
}

describe('LineSplitter', () => {
  it('Given chunks cut inside lines and inside a multi-byte character, When split, Then lines are whole', () => {
    const splitter = new LineSplitter(100);
    const bytes = Buffer.from('one ☃\ntwo\nthr');
    expect([...splitter.push(bytes.subarray(0, 6)), ...splitter.push(bytes.subarray(6)), ...splitter.end()]).toEqual([
      'one ☃',
      'two',
      'thr',
    ]);
  });

  it('Given a line longer than the bound, When split, Then it keeps its beginning and the next line is intact', () => {
    const splitter = new LineSplitter(5);
    expect([...splitter.push(Buffer.from('abcdefghij')), ...splitter.push(Buffer.from('klm\nnext\n'))]).toEqual(['abcde', 'next']);
  });
});

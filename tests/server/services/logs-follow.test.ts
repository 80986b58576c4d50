import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SSEStreamingApi } from 'hono/streaming';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../../../src/api/logs.js';
import { exec } from '../../../src/exec.js';
import { agentConfigSchema } from '../../../server/config.js';
import { planFollow, runFollow } from '../../../server/services/logs-follow.js';
import { streamFollow } from '../../../server/services/logs-follow-sse.js';
import { LineSplitter } from '../../../server/services/logs-line-splitter.js';

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

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!check()) throw new Error(`Timed out waiting for ${what}`);
}

describe('planFollow', () => {
  it('Given a file source, When planned, Then tail follows that file by name with the asked backlog', async () => {
    const plan = await planFollow({ config: config(), source: 'nginx:error', query: { lines: 5, ignoreCase: false } });
    expect(plan.argv).toEqual(['tail', '-n', '5', '-F', '--', errorLog]);
  });

  it('Given a missing file, a priority on a file, or a risky pattern, When planned, Then it is refused before anything runs', async () => {
    await expect(planFollow({ config: config(), source: 'nginx:access', query: { lines: 0, ignoreCase: false } })).rejects.toMatchObject({ status: 404 });
    await expect(planFollow({ config: config(), source: 'nginx:error', query: { lines: 0, ignoreCase: false, priority: 3 } })).rejects.toMatchObject({ status: 400 });
    await expect(planFollow({ config: config(), source: 'nginx:error', query: { lines: 0, ignoreCase: false, grep: '(a+)+$' } })).rejects.toMatchObject({ status: 400 });
  });
});

describe('runFollow with the real tail -F', () => {
  it('Given a followed file, When lines are appended, Then the matching ones arrive with times until the signal stops tail', async () => {
    const plan = await planFollow({ config: config(), source: 'nginx:error', query: { lines: 2, ignoreCase: true, grep: 'UPSTREAM|old two' } });
    const seen: LogLine[] = [];
    const stop = new AbortController();
    const running = runFollow({ exec, plan, signal: stop.signal, onLine: (line) => seen.push(line) });
    await until(() => seen.length === 1, 'the backlog');
    await appendFile(errorLog, `${nginxError(3, 'upstream timed out')}\n  while reading response header\n${nginxError(4, 'unrelated')}\n`);
    await until(() => seen.length === 2, 'the appended match');
    stop.abort();
    expect(await running).toEqual({ reason: 'stopped' });
    expect(seen.map((l) => l.text)).toEqual([nginxError(2, 'old two'), nginxError(3, 'upstream timed out')]);
    expect(seen[1]!.ts).toBe(new Date(2026, 10, 25, 18, 2, 3).toISOString());
  });

  it('Given a follow that is aborted before tail even starts, When run, Then it ends at once', async () => {
    const plan = await planFollow({ config: config(), source: 'nginx:error', query: { lines: 0, ignoreCase: false } });
    const stop = new AbortController();
    stop.abort();
    expect(await runFollow({ exec, plan, signal: stop.signal, onLine: () => undefined })).toEqual({ reason: 'stopped' });
  });
});

describe('streamFollow', () => {
  it('Given a quiet log, When followed as SSE, Then ping comments keep the connection alive and a cancelled reader stops tail', async () => {
    const plan = await planFollow({ config: config(), source: 'nginx:error', query: { lines: 1, ignoreCase: false } });
    const { readable, writable } = new TransformStream();
    const stream = new SSEStreamingApi(writable, readable);
    const done = streamFollow(stream, { exec, plan, keepAliveMs: 50 });
    const reader = stream.responseReadable.getReader();
    let text = '';
    while (!text.includes(': ping')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: line\ndata: {"text":"2026/11/25 18:02:04 [error] 812#812: unrelated"');
    await reader.cancel();
    await done;
  });
});

describe('LineSplitter', () => {
  it('Given chunks cut inside lines and inside a multi-byte character, When split, Then lines are whole', () => {
    const splitter = new LineSplitter(100);
    const bytes = Buffer.from('one ☃\ntwo\nthr');
    expect([...splitter.push(bytes.subarray(0, 6)), ...splitter.push(bytes.subarray(6)), ...splitter.end()]).toEqual(['one ☃', 'two', 'thr']);
  });

  it('Given a line longer than the bound, When split, Then it keeps its beginning and the next line is intact', () => {
    const splitter = new LineSplitter(5);
    expect([...splitter.push(Buffer.from('abcdefghij')), ...splitter.push(Buffer.from('klm\nnext\n'))]).toEqual(['abcde', 'next']);
  });
});

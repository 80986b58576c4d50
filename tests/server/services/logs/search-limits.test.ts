/**
 * What a search or a follow may cost, with the real grep and tail: costly
 * repetition bounds are refused, a pattern that passes the check but needs much
 * memory is stopped by the kernel (prlimit), and only so many run at once.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitedArgv } from '../../../../src/platform/exec.js';
import { exec } from '../../../../src/platform/exec.js';
import { grepFile } from '../../../../server/services/logs/grep.js';
import { riskyConstruct } from '../../../../server/services/logs/pattern.js';
import { Slots } from '../../../../server/services/logs/search-limits.js';
import { AUTH, testAgent, type TestAgent } from '../../../support/agent.js';
import { waitUntil } from '../../../support/wait-for.js';

/** Passes the pattern check (every bound is 255), but grep's DFA for it needs well over 256 MiB. */
const COSTLY = '.{1,255}'.repeat(24);

let dir: string;
let file: string;
let agent: TestAgent;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-search-limits-'));
  file = path.join(dir, 'access.log');
  await writeFile(file, '203.0.113.9 - - [25/Nov/2026:18:02:11 +0000] "GET /up HTTP/1.1" 200 2 "-" "curl/7.88.1"\n');
  agent = await testAgent({
    config: {
      nginx: { accessLog: file, errorLog: path.join(dir, 'error.log') },
      concurrency: { searches: { perCredential: 1, total: 2 }, follows: { perCredential: 1, total: 2 } },
    },
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('repetition bounds', () => {
  it('Given counted repetitions above 255, When checked, Then they are refused, naming the repetition', () => {
    for (const pattern of ['.{1,32767}', 'a{256}', 'x{0,1000}', '[0-9]{300,}', 'ok{1,2}.{99999999999999999999}']) {
      expect(riskyConstruct(pattern), pattern).toMatch(/repetition ".*" is larger than 255/);
    }
  });

  it('Given bounds up to 255, or braces that are only text, When checked, Then they pass', () => {
    for (const pattern of ['.{1,255}', 'Completed 5[0-9]{2}', '[{]1,999}', '\\{1,999\\}', '[a{1,999}]']) {
      expect(riskyConstruct(pattern), pattern).toBeUndefined();
    }
  });

  it('Given the hostile pattern, When searched through the API, Then a 400 says why and nothing runs', async () => {
    const response = await agent.app.request(`/api/logs/nginx:access?grep=${encodeURIComponent('.{1,32767}')}`, { headers: AUTH });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/repetition "\{1,32767\}" is larger than 255/);
    const follow = await agent.app.request(`/api/logs/nginx:access/follow?grep=${encodeURIComponent('.{1,32767}')}`, { headers: AUTH });
    expect(follow.status).toBe(400);
  });
});

describe('memory ceiling', () => {
  it('Given limits, When the argv is built, Then prlimit runs the command with them after --', () => {
    expect(limitedArgv(['grep', '-e', 'x'], { memoryBytes: 1024, cpuSeconds: 5 })).toEqual([
      'prlimit',
      '--as=1024',
      '--cpu=5:6',
      '--',
      'grep',
      '-e',
      'x',
    ]);
    expect(limitedArgv(['grep'], undefined)).toEqual(['grep']);
  });

  it('Given a pattern that passes the check but needs more memory than a search may use, ' +
    'When searched with the real grep, Then grep is stopped and a 400 says why', async () => {
    expect(riskyConstruct(COSTLY)).toBeUndefined();
    const started = Date.now();
    const search = grepFile(exec, {
      file,
      source: 'nginx:access',
      format: 'nginx-access',
      pattern: COSTLY,
      ignoreCase: false,
      context: 0,
      lines: 10,
      window: {},
    });
    await expect(search).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/needs more than the 256 MiB a search may use/),
    });
    expect(Date.now() - started).toBeLessThan(30_000);
    // The agent itself never held grep's memory.
    expect(process.memoryUsage().rss).toBeLessThan(1024 * 1024 * 1024);
  }, 40_000);

  it('Given the same pattern on a follow, When followed, Then the stream ends saying the pattern costs too much', async () => {
    const response = await agent.app.request(`/api/logs/nginx:access/follow?grep=${encodeURIComponent(COSTLY)}`, { headers: AUTH });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(
      /event: end\ndata: \{"reason":"grep stopped: Invalid query parameter grep: the pattern needs more than the 128 MiB/,
    );
  }, 40_000);
});

describe('concurrency caps', () => {
  it(
    'Given slots in use, When one more is asked for by the same credential or beyond the total, ' +
      'Then a 429 with Retry-After; a slot given back is free again',
    () => {
      const slots = new Slots('searches', { perCredential: 2, total: 3 });
      const first = slots.take('a');
      slots.take('a');
      expect(() => slots.take('a')).toThrow(expect.objectContaining({ status: 429, headers: { 'retry-after': '10' } }));
      slots.take('b');
      expect(() => slots.take('c')).toThrow(/at most 3 on this server/);
      first();
      first(); // given back once only
      expect(() => slots.take('a')).not.toThrow();
      expect(() => slots.take('c')).toThrow(/at most 3 on this server/);
    },
  );

  it(
    'Given a follow stream open, When the same token opens another, ' + 'Then a 429 with Retry-After; once the first ends, a new one opens',
    async () => {
      const stop = new AbortController();
      const open = await agent.app.request('/api/logs/nginx:access/follow?lines=1', { headers: AUTH, signal: stop.signal });
      expect(open.status).toBe(200);
      const reader = open.body!.getReader();
      await reader.read();
      const refused = await agent.app.request('/api/logs/nginx:access/follow?lines=1', { headers: AUTH });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('10');
      expect((await refused.json()).error).toMatch(/Too many follow streams at once/);
      stop.abort();
      await reader.cancel();
      let again = 429;
      const opensAgain = async (): Promise<boolean> => {
        const stopAgain = new AbortController();
        const response = await agent.app.request('/api/logs/nginx:access/follow?lines=1', { headers: AUTH, signal: stopAgain.signal });
        again = response.status;
        stopAgain.abort();
        await response.body?.cancel();
        return again !== 429;
      };
      await waitUntil(opensAgain, 2_500, 50);
      expect(again).toBe(200);
    },
  );

  it('Given a search running, When the same token starts another, Then a 429', async () => {
    const slow = agent.app.request(`/api/logs/nginx:access?grep=${encodeURIComponent(COSTLY)}`, { headers: AUTH });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = await agent.app.request('/api/logs/nginx:access?grep=GET', { headers: AUTH });
    expect(refused.status).toBe(429);
    expect((await slow).status).toBe(400);
    expect((await agent.app.request('/api/logs/nginx:access?grep=GET', { headers: AUTH })).status).toBe(200);
  }, 40_000);
});

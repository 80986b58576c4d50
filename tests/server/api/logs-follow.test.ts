/**
 * /api/logs/:source/follow through the whole app: lines as Server-Sent Events, and
 * no tail or grep left behind when clients go away. The agent, its real files and
 * its recording exec are tests/support/logs-agent.ts.
 */
import { appendFile, readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, type TestAgent } from '../../support/agent.js';
import { logsAgent, type LogsAgent } from '../../support/logs-agent.js';
import { waitUntil } from '../../support/wait-for.js';

let logs: LogsAgent;
let agent: TestAgent;
let files: LogsAgent['files'];
let calls: string[][];
const units = ['cigar.service', 'nginx.service', 'hms-agent.service'];

beforeAll(async () => {
  logs = await logsAgent();
  ({ agent, files, calls } = logs);
});

afterAll(async () => {
  await logs.stop();
});

const get = (url: string, init: RequestInit = {}) => agent.app.request(url, { ...init, headers: AUTH });

/** Children of this process named `comm`, from /proc (ppid is field 4 of /proc/<pid>/stat). */
async function children(comm: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const m = /^(\d+) \((.*)\) \S+ (\d+)/.exec(stat);
    if (m && m[2] === comm && Number(m[3]) === process.pid) pids.push(Number(m[1]));
  }
  return pids;
}

async function noChildrenLeft(comm: string): Promise<number[]> {
  let left: number[] = [];
  await waitUntil(async () => (left = await children(comm)).length === 0, 5_000, 50);
  return left;
}

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, text: string): Promise<string> {
  let got = '';
  const decoder = new TextDecoder();
  while (!got.includes(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`Stream ended before ${JSON.stringify(text)}; got ${JSON.stringify(got)}`);
    got += decoder.decode(value, { stream: true });
  }
  return got;
}

describe('GET /api/logs/:source/follow', () => {
  it('Given a followed log, When a line is appended, Then it arrives as an SSE line event, JSON-escaped', async () => {
    const stop = new AbortController();
    const response = await agent.app.request('/api/logs/nginx:access/follow?lines=1', { headers: AUTH, signal: stop.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    expect(await readUntil(reader, ': open\n\n')).toBe(': open\n\n');
    expect(await readUntil(reader, '\n\n')).toContain('event: line\ndata: {"text":"203.0.113.9 - - [25/Nov/2026:18:02:11 +0000]');
    await appendFile(files.access, '198.51.100.7 - - [25/Nov/2026:18:02:12 +0000] "GET /\\"><img src=x> HTTP/1.1" 400 0 "-" "-"\n');
    const event = await readUntil(reader, '18:02:12');
    expect(event).toContain(
      'data: {"text":"198.51.100.7 - - [25/Nov/2026:18:02:12 +0000] ' +
        '\\"GET /\\\\\\"><img src=x> HTTP/1.1\\" 400 0 \\"-\\" \\"-\\"","ts":"2026-11-25T18:02:12.000Z"}',
    );
    stop.abort();
    await reader.cancel();
    expect(await noChildrenLeft('tail')).toEqual([]);
  });

  it('Given bad follow requests, When made, Then they are plain 4xx answers, not streams', async () => {
    expect((await get('/api/logs/nginx:error/follow')).status).toBe(404);
    expect((await get('/api/logs/nginx:access/follow?lines=201')).status).toBe(400);
    expect((await get('/api/logs/nginx:access/follow?grep=(a|aa)*')).status).toBe(400);
    expect((await get('/api/logs/nginx:access/follow?since=-1h')).status).toBe(400);
  });

  it('Given 200 follow streams with a pattern opened and abandoned, ' +
    'When the clients go away, Then no tail or grep process is left behind', async () => {
    const before = calls.length;
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const stop = new AbortController();
        const response = await agent.app.request(`/api/logs/nginx:access/follow?lines=1&grep=${i % 2 === 0 ? 'GET' : 'nothing-matches'}`, {
          headers: AUTH,
          signal: stop.signal,
        });
        const reader = response.body!.getReader();
        // Every stream opens with a comment line at once (server/event-stream.ts), before its tail starts.
        await readUntil(reader, ': open');
        if (i % 2 === 0) await readUntil(reader, 'event: line');
        else await new Promise((resolve) => setTimeout(resolve, 20));
        stop.abort();
        if (i % 4 === 0) await reader.cancel(); // some clients also close the body, some only abort
      }),
    );
    // Each follow runs tail, and the grep its lines go through.
    const started = calls.slice(before);
    expect(started.filter((argv) => argv[0] === 'tail')).toHaveLength(200);
    expect(started.filter((argv) => argv[0] === 'grep' && argv.includes('--line-buffered'))).toHaveLength(200);
    expect(started).toHaveLength(400);
    expect(await noChildrenLeft('tail')).toEqual([]);
    expect(await noChildrenLeft('grep')).toEqual([]);
  }, 60_000);
});

describe('after all of the above', () => {
  it(
    'Given every request these tests made, When the processes started are checked, ' + 'Then each got only allow-listed files and units',
    () => {
      expect(calls.length).toBeGreaterThan(200);
      const allowedFiles = Object.values(files);
      for (const argv of calls) {
        if (argv[0] === 'journalctl') {
          expect(units).toContain(argv[argv.indexOf('-u') + 1]);
        } else if (argv[0] === 'grep' && argv.includes('--line-buffered')) {
          // A follow's filter reads tail's lines on its stdin, no file.
          expect(argv.slice(-2)).toEqual(['--', '-']);
        } else {
          expect(['grep', 'tail']).toContain(argv[0]);
          expect(argv.at(-2)).toBe('--');
          expect(allowedFiles).toContain(argv.at(-1));
        }
      }
    },
  );
});

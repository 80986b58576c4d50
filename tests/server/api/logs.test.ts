/**
 * /api/logs through the whole app (`app.request()`, no port). Files are real and
 * read by the real grep and tail. journalctl cannot run here (no journald), so the
 * exec door is wrapped: journalctl calls are answered with recorded systemd 252
 * `-o short-iso` output, everything else runs for real; every argv is recorded so
 * the tests can check that no process ever got a path outside the allow-list.
 */
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLinesResponseSchema, logSourcesResponseSchema } from '../../../src/api/logs.js';
import { exec as realExec, type ExecOptions } from '../../../src/platform/exec.js';
import type { AgentDeps } from '../../../server/env.js';
import { AUTH, testAgent, type TestAgent } from '../../support/agent.js';
import { waitUntil } from '../../support/wait-for.js';

const JOURNAL = [
  '2026-11-25T18:04:00+0000 web1 puma[812]: Completed 200 OK in 12ms',
  '2026-11-25T18:03:00+0000 web1 puma[812]: Started GET "/cigars/1" for 203.0.113.9',
].join('\n') + '\n';

const calls: string[][] = [];
const recordingExec = (async (argv: readonly string[], options?: ExecOptions) => {
  calls.push([...argv]);
  if (argv[0] !== 'journalctl') return realExec(argv, options);
  options?.onStdout?.(Buffer.from(JOURNAL));
  return { argv, code: 0, signal: null, stdout: JOURNAL, stderr: '', truncated: false, timedOut: false, aborted: false };
}) as AgentDeps['exec'];

let agent: TestAgent;
let files: { production: string; access: string; error: string };
let dir: string;
const units = ['cigar.service', 'nginx.service', 'hms-agent.service'];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-logs-api-'));
  const root = path.join(dir, 'www', 'cigar');
  files = { production: path.join(root, 'shared', 'log', 'production.log'), access: path.join(dir, 'nginx', 'access.log'), error: path.join(dir, 'nginx', 'error.log') };
  agent = await testAgent({
    exec: recordingExec,
    config: {
      apps: { cigar: { unit: 'cigar.service', root } },
      nginx: { accessLog: files.access, errorLog: files.error },
      // The 200 abandoned follows below run at once; the caps have their own tests (search-limits.test.ts).
      concurrency: { follows: { perCredential: 200, total: 200 } },
    },
  });
  await mkdir(path.dirname(files.production), { recursive: true });
  await mkdir(path.dirname(files.access), { recursive: true });
  await writeFile(files.production, [
    'I, [2026-11-25T18:02:11.000000 #7]  INFO -- : Started GET "/" for 203.0.113.9',
    'E, [2026-11-25T18:02:12.000000 #7] ERROR -- : RuntimeError (boom <script>alert(1)</script> "quoted" \u001b[31m)',
    '  app/models/cigar.rb:12',
    'I, [2026-11-25T18:02:13.000000 #7]  INFO -- : Completed 500 Internal Server Error in 3ms',
  ].join('\n') + '\n');
  await writeFile(files.access, '203.0.113.9 - - [25/Nov/2026:18:02:11 +0000] "GET /up HTTP/1.1" 200 2 "-" "curl/7.88.1"\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(agent.dir, { recursive: true, force: true });
});

const get = (url: string, init: RequestInit = {}) => agent.app.request(url, { ...init, headers: AUTH });

describe('GET /api/logs', () => {
  it('Given an app and nginx in the config, When listed, Then every allow-listed log is there, files with existence and size', async () => {
    const response = await get('/api/logs');
    expect(response.status).toBe(200);
    const { sources } = logSourcesResponseSchema.parse(await response.json());
    expect(sources.map((s) => s.name)).toEqual(['journal:cigar', 'cigar:production', 'cigar:nginx', 'cigar:nginx-error', 'journal:nginx', 'journal:agent', 'nginx:access', 'nginx:error']);
    expect(sources.find((s) => s.name === 'cigar:nginx')).toMatchObject({ kind: 'file', path: path.join(path.dirname(files.access), 'cigar.access.log') });
    expect(sources.find((s) => s.name === 'cigar:nginx-error')).toMatchObject({ kind: 'file', path: path.join(path.dirname(files.error), 'cigar.error.log') });
    expect(sources.find((s) => s.name === 'nginx:error')).toEqual({ name: 'nginx:error', kind: 'file', path: files.error, exists: false, size: null });
    expect(sources.find((s) => s.name === 'nginx:access')).toMatchObject({ exists: true, size: expect.any(Number) });
    expect(sources.find((s) => s.name === 'journal:agent')).toEqual({ name: 'journal:agent', kind: 'journal', unit: 'hms-agent.service' });
  });

  it('Given no credentials, When listed, Then it is refused', async () => {
    expect((await agent.app.request('/api/logs')).status).toBe(401);
  });
});

describe('GET /api/logs/:source', () => {
  it('Given a Rails log, When read, Then its last lines come back as JSON strings, uninterpreted, with times', async () => {
    const response = await get('/api/logs/cigar:production?lines=3');
    const body = logLinesResponseSchema.parse(await response.json());
    expect(body.source).toBe('cigar:production');
    expect(body.truncated).toBe(true);
    expect(body.lines[0]!.text).toBe('E, [2026-11-25T18:02:12.000000 #7] ERROR -- : RuntimeError (boom <script>alert(1)</script> "quoted" \u001b[31m)');
    expect(body.lines[1]).toEqual({ text: '  app/models/cigar.rb:12', ts: body.lines[0]!.ts });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('Given grep with context and ignoreCase, When read, Then the real grep finds the match and its neighbours', async () => {
    const body = logLinesResponseSchema.parse(await (await get('/api/logs/cigar:production?grep=runtimeerror&ignoreCase=1&context=1')).json());
    expect(body.matched).toBe(1);
    expect(body.lines.map((l) => l.lineNumber)).toEqual([1, 2, 3]);
  });

  it('Given a time window, When read, Then only lines inside it come back', async () => {
    const body = logLinesResponseSchema.parse(await (await get(`/api/logs/cigar:production?since=${encodeURIComponent('2026-11-25 18:02:13')}`)).json());
    expect(body.lines.map((l) => l.text)).toEqual(['I, [2026-11-25T18:02:13.000000 #7]  INFO -- : Completed 500 Internal Server Error in 3ms']);
  });

  it('Given a journal source, When read with a priority and a pattern, Then journalctl gets the unit, -p and --grep, and the lines come back in time order', async () => {
    const before = calls.length;
    const body = logLinesResponseSchema.parse(await (await get('/api/logs/journal:cigar?priority=err&grep=Completed&lines=10')).json());
    const argv = calls[before]!;
    expect(argv.slice(0, 10)).toEqual(['journalctl', '--no-pager', '--quiet', '-o', 'short-iso', '--reverse', '-n', '11', '-u', 'cigar.service']);
    expect(argv).toEqual(expect.arrayContaining(['-p', '3', '--grep=Completed', '--case-sensitive=true']));
    expect(body.lines.map((l) => l.ts)).toEqual(['2026-11-25T18:03:00.000Z', '2026-11-25T18:04:00.000Z']);
  });

  it('Given a file missing on disk, When read, Then a 404 names the source and its configured path', async () => {
    const response = await get('/api/logs/nginx:error');
    expect(response.status).toBe(404);
    expect((await response.json()).error).toBe(`Log nginx:error has no file at ${files.error} (yet).`);
  });

  it('Given an app whose site does not log on its own yet, When its nginx log is read, Then the 404 says how to get one', async () => {
    const response = await get('/api/logs/cigar:nginx');
    expect(response.status).toBe(404);
    const body = await response.json();
    expect(body.error).toBe(`Log cigar:nginx has no file at ${path.join(path.dirname(files.access), 'cigar.access.log')} (yet).`);
    expect(body.hint).toMatch(/run it again, or add the lines with `hms config edit cigar`/);
  });

  it('Given an unknown source, When read, Then a 404 lists the known ones', async () => {
    const response = await get('/api/logs/tobacco:production');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'Unknown log source "tobacco:production".', details: { known: expect.arrayContaining(['cigar:production']) } });
  });
});

describe('hostile requests', () => {
  const sources = [
    '../../etc/passwd',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '%252e%252e%252f',
    'nginx:access/../../x',
    'cigar:production%00',
    // (A trailing raw NUL never reaches the app: URL parsing strips trailing C0 controls.)
    'cigar:production\u0000.log',
    '%2Fetc%2Fpasswd',
    '/etc/passwd',
    'cigar:production%2F..%2F..%2Fetc%2Fpasswd',
    '__proto__',
    'constructor',
    'journal:cigar.service',
  ];

  it.each(sources)('Given the source %j, When read or followed, Then it is a 404 and nothing runs', async (source) => {
    const before = calls.length;
    for (const suffix of ['', '/follow']) {
      const response = await get(`/api/logs/${source}${suffix}`);
      expect(response.status).toBe(404);
      await response.body?.cancel();
    }
    expect(calls.length).toBe(before);
  });

  const queries = [
    'lines=-1',
    'lines=1e9',
    'lines=10001',
    'lines=0',
    'lines=abc',
    'context=51',
    'context=3',
    `grep=${'a'.repeat(100 * 1024)}`,
    'grep=a%0Ab',
    'grep=%00',
    'grep=(a%2B)%2B',
    'grep=(',
    'grep=[[:nope:]]',
    'since=%3B%20rm%20-rf%20%2F',
    'since=$(id)',
    'until=2026-02-31',
    'since=-1h&until=-2h',
    'since=-999999%20weeks',
    'until=999999w',
    'priority=8',
    'priority=3',
    'ignoreCase=yes',
    'file=/etc/passwd',
  ];

  it.each(queries)('Given the query %s on a file, When read, Then it is a 400 naming the parameter, and no file outside the allow-list is touched', async (query) => {
    const response = await get(`/api/logs/cigar:production?${query}`);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error).toMatch(/query parameter/);
  });

  it('Given an absurd relative time on the journal, When read, Then it is a 400 before journalctl runs (not its 502)', async () => {
    const before = calls.length;
    const response = await get(`/api/logs/journal:agent?since=${encodeURIComponent('-999999 weeks')}`);
    expect(response.status).toBe(400);
    expect((await response.json()).hint).toContain('10 min ago');
    expect(calls.length).toBe(before);
  });

  it('Given patterns made of shell text and options, When searched, Then they are matched literally and the request succeeds', async () => {
    for (const pattern of ['$(id)', '-f/etc/shadow', '--include=*', '`id`', "'; cat /etc/passwd #"]) {
      const response = await get(`/api/logs/cigar:production?grep=${encodeURIComponent(pattern)}`);
      expect(response.status, pattern).toBe(200);
      expect((await response.json()).lines).toEqual([]);
    }
    const journal = await get(`/api/logs/journal:agent?grep=${encodeURIComponent('-f/etc/shadow')}`);
    expect(journal.status).toBe(200);
    expect(calls.at(-1)).toContain('--grep=-f/etc/shadow');
  });
});

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
    expect(await readUntil(reader, '\n\n')).toContain('event: line\ndata: {"text":"203.0.113.9 - - [25/Nov/2026:18:02:11 +0000]');
    await appendFile(files.access, '198.51.100.7 - - [25/Nov/2026:18:02:12 +0000] "GET /\\"><img src=x> HTTP/1.1" 400 0 "-" "-"\n');
    const event = await readUntil(reader, '18:02:12');
    expect(event).toContain('data: {"text":"198.51.100.7 - - [25/Nov/2026:18:02:12 +0000] \\"GET /\\\\\\"><img src=x> HTTP/1.1\\" 400 0 \\"-\\" \\"-\\"","ts":"2026-11-25T18:02:12.000Z"}');
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

  it('Given 200 follow streams with a pattern opened and abandoned, When the clients go away, Then no tail or grep process is left behind', async () => {
    const before = calls.length;
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const stop = new AbortController();
        const response = await agent.app.request(`/api/logs/nginx:access/follow?lines=1&grep=${i % 2 === 0 ? 'GET' : 'nothing-matches'}`, { headers: AUTH, signal: stop.signal });
        const reader = response.body!.getReader();
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
  it('Given every request these tests made, When the processes started are checked, Then each got only allow-listed files and units', () => {
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
  });
});

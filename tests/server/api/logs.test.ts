/**
 * /api/logs through the whole app (`app.request()`, no port): the list, reads and
 * searches, and hostile sources and queries. The agent, its real files and its
 * recording exec are tests/support/logs-agent.ts.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLinesResponseSchema, logSourcesResponseSchema } from '../../../src/api/logs.js';
import { AUTH, type TestAgent } from '../../support/agent.js';
import { logsAgent, type LogsAgent } from '../../support/logs-agent.js';

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

describe('GET /api/logs', () => {
  it('Given an app and nginx in the config, When listed, Then every allow-listed log is there, files with existence and size', async () => {
    const response = await get('/api/logs');
    expect(response.status).toBe(200);
    const { sources } = logSourcesResponseSchema.parse(await response.json());
    expect(sources.map((s) => s.name)).toEqual([
      'journal:cigar',
      'cigar:production',
      'cigar:nginx',
      'cigar:nginx-error',
      'journal:nginx',
      'journal:agent',
      'nginx:access',
      'nginx:error',
    ]);
    expect(sources.find((s) => s.name === 'cigar:nginx')).toMatchObject({
      kind: 'file',
      path: path.join(path.dirname(files.access), 'cigar.access.log'),
    });
    expect(sources.find((s) => s.name === 'cigar:nginx-error')).toMatchObject({
      kind: 'file',
      path: path.join(path.dirname(files.error), 'cigar.error.log'),
    });
    expect(sources.find((s) => s.name === 'nginx:error')).toEqual({
      name: 'nginx:error',
      kind: 'file',
      path: files.error,
      exists: false,
      size: null,
    });
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
    expect(body.lines[0]!.text).toBe(
      'E, [2026-11-25T18:02:12.000000 #7] ERROR -- : RuntimeError (boom <script>alert(1)</script> "quoted" \u001b[31m)',
    );
    expect(body.lines[1]).toEqual({ text: '  app/models/cigar.rb:12', ts: body.lines[0]!.ts });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('Given grep with context and ignoreCase, When read, Then the real grep finds the match and its neighbours', async () => {
    const body = logLinesResponseSchema.parse(
      await (await get('/api/logs/cigar:production?grep=runtimeerror&ignoreCase=1&context=1')).json(),
    );
    expect(body.matched).toBe(1);
    expect(body.lines.map((l) => l.lineNumber)).toEqual([1, 2, 3]);
  });

  it('Given a time window, When read, Then only lines inside it come back', async () => {
    const body = logLinesResponseSchema.parse(
      await (await get(`/api/logs/cigar:production?since=${encodeURIComponent('2026-11-25 18:02:13')}`)).json(),
    );
    expect(body.lines.map((l) => l.text)).toEqual([
      'I, [2026-11-25T18:02:13.000000 #7]  INFO -- : Completed 500 Internal Server Error in 3ms',
    ]);
  });

  it(
    'Given a journal source, When read with a priority and a pattern, ' +
      'Then journalctl gets the unit, -p and --grep, and the lines come back in time order',
    async () => {
      const before = calls.length;
      const body = logLinesResponseSchema.parse(await (await get('/api/logs/journal:cigar?priority=err&grep=Completed&lines=10')).json());
      const argv = calls[before]!;
      expect(argv.slice(0, 10)).toEqual([
        'journalctl',
        '--no-pager',
        '--quiet',
        '-o',
        'short-iso',
        '--reverse',
        '-n',
        '11',
        '-u',
        'cigar.service',
      ]);
      expect(argv).toEqual(expect.arrayContaining(['-p', '3', '--grep=Completed', '--case-sensitive=true']));
      expect(body.lines.map((l) => l.ts)).toEqual(['2026-11-25T18:03:00.000Z', '2026-11-25T18:04:00.000Z']);
    },
  );

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
    expect(await response.json()).toMatchObject({
      error: 'Unknown log source "tobacco:production".',
      details: { known: expect.arrayContaining(['cigar:production']) },
    });
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

  it.each(queries)(
    'Given the query %s on a file, When read, Then it is a 400 naming the parameter, and no file outside the allow-list is touched',
    async (query) => {
      const response = await get(`/api/logs/cigar:production?${query}`);
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.error).toMatch(/query parameter/);
    },
  );

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

describe('after all of the above', () => {
  it(
    'Given every request these tests made, When the processes started are checked, ' + 'Then each got only allow-listed files and units',
    () => {
      // The 200 follows, and the floor of 200 calls, are in logs-follow.test.ts.
      expect(calls.length).toBeGreaterThan(0);
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

/**
 * The /logs page through the whole app, logged in as a browser. Log files are real
 * and read by the real tail/grep. journalctl cannot run here (no journald), so the
 * exec door answers journalctl with recorded systemd 252 `-o short-iso` output and
 * runs everything else for real.
 */
import { appendFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exec as realExec, type ExecOptions } from '../../../src/platform/exec.js';
import type { AgentDeps } from '../../../server/env.js';
import { testAgent, type TestAgent } from '../../support/agent.js';
import { BrowserSession, inputValue } from '../../support/browser-session.js';
import { waitUntil } from '../../support/wait-for.js';

const JOURNAL = '2026-11-25T18:04:00+0000 web1 puma[812]: Completed 200 OK in 12ms\n';
const journalExec = (async (argv: readonly string[], options?: ExecOptions) => {
  if (argv[0] !== 'journalctl') return realExec(argv, options);
  options?.onStdout?.(Buffer.from(JOURNAL));
  return { argv, code: 0, signal: null, stdout: JOURNAL, stderr: '', truncated: false, timedOut: false, aborted: false };
}) as AgentDeps['exec'];

let agent: TestAgent;
let browser: BrowserSession;
let production: string;

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-logs-page-'));
  const root = path.join(dir, 'www', 'cigar');
  production = path.join(root, 'shared', 'log', 'production.log');
  await mkdir(path.dirname(production), { recursive: true });
  await writeFile(
    production,
    [
      'I, [2026-11-25T18:02:11.000000 #7]  INFO -- : Started GET "/" for 203.0.113.9',
      'E, [2026-11-25T18:02:12.000000 #7] ERROR -- : RuntimeError (boom </pre><script>alert(1)</script> \u001b[31m)',
      'I, [2026-11-25T18:02:13.000000 #7]  INFO -- : Completed 500 Internal Server Error in 3ms',
    ].join('\n') + '\n',
  );
  agent = await testAgent({
    exec: journalExec,
    config: {
      apps: { cigar: { unit: 'cigar.service', root }, tobacco: { unit: 'tobacco.service', root: path.join(dir, 'www', 'tobacco') } },
      nginx: { accessLog: path.join(dir, 'access.log'), errorLog: path.join(dir, 'error.log') },
    },
  });
  browser = new BrowserSession(agent);
  await browser.login();
});

const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1];

describe('GET /logs', () => {
  it('Given no log chosen, When the page opens, Then the form offers every allow-listed source and no lines', async () => {
    const { status, text } = await browser.page('/logs');
    expect(status).toBe(200);
    for (const name of ['cigar:production', 'journal:cigar', 'tobacco:production', 'journal:nginx', 'nginx:access', 'journal:agent']) {
      expect(text).toContain(`<option value="${name}">`);
    }
    expect(text).toContain('tobacco:production (no file yet)');
    expect(text).not.toContain('id="log"');
  });

  it(
    'Given a Rails log with hostile text, When shown, ' +
      'Then each line has its timestamp and the text is escaped, control characters made visible',
    async () => {
      const { status, text } = await browser.page('/logs?source=cigar:production');
      expect(status).toBe(200);
      expect(text).toContain('<option value="cigar:production" selected>');
      expect(text).toContain(
        '<span class="line"><span class="ts">2026-11-25T18:02:11.000Z</span> I, ' +
          '[2026-11-25T18:02:11.000000 #7]  INFO -- : Started GET &quot;/&quot; for 203.0.113.9\n</span>',
      );
      expect(text).toContain('boom &lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt; \u241b[31m)');
      expect(text).not.toMatch(/<script/);
    },
  );

  it('Given a filter, When shown, Then only matching lines come back and the form keeps what was typed', async () => {
    const { text } = await browser.page('/logs?source=cigar:production&grep=completed&ignoreCase=1&lines=50');
    expect(text).toContain('1 matching lines');
    expect(text).toContain('Completed 500');
    expect(text).not.toContain('Started GET');
    expect(inputValue(text, 'grep')).toBe('completed');
    expect(inputValue(text, 'lines')).toBe('50');
    expect(text).toMatch(/name="ignoreCase" value="1" checked/);
  });

  it('Given a journal source, When shown, Then the journal lines come with their times', async () => {
    const { text } = await browser.page('/logs?source=journal:cigar&since=-1h');
    expect(text).toContain(
      '<span class="ts">2026-11-25T18:04:00.000Z</span> 2026-11-25T18:04:00+0000 web1 puma[812]: Completed 200 OK in 12ms',
    );
  });

  it.each([
    ['a bad line count', '/logs?source=cigar:production&lines=lots', 400, 'lines must be a whole number from 1 to 10000'],
    ['a bad time', '/logs?source=cigar:production&since=%3Bdate', 400, 'since must be an ISO date-time'],
    ['an unknown source', '/logs?source=..%2F..%2Fetc%2Fpasswd', 404, 'Unknown log source &quot;../../etc/passwd&quot;'],
    ['a missing file', '/logs?source=tobacco:production', 404, 'Log tobacco:production has no file'],
  ])('Given %s, When asked for, Then the page keeps the form, shows the error and the status', async (_, url, status, message) => {
    const response = await browser.request(url);
    expect(response.status).toBe(status);
    const text = await response.text();
    expect(text).toMatch(/class="error"[\s\S]*/);
    expect(text).toContain(message);
    expect(text).toContain('<form method="get" action="/logs"');
    expect(text).not.toContain('id="log"');
  });
});

describe('live mode', () => {
  it('Given live=1, When the page opens, Then without JavaScript it refreshes every 3 s (a meta refresh inside <noscript>)', async () => {
    const { text } = await browser.page('/logs?source=cigar:production&live=1');
    expect(text).toMatch(/<head>[\s\S]*<noscript><meta http-equiv="refresh" content="3"><\/noscript>[\s\S]*<\/head>/);
    expect(text).toContain('href="/logs?source=cigar%3Aproduction"');
    expect(text).toContain('Stop live');
  });

  it(
    'Given live=1, When the page opens, ' + 'Then its one script carries the CSP nonce and follows the API stream with the same filter',
    async () => {
      const response = await browser.request('/logs?source=cigar:production&live=1&grep=GET');
      const text = await response.text();
      const scripts = [...text.matchAll(/<script([^>]*)>/g)];
      expect(scripts).toHaveLength(1);
      expect(scripts[0]![1]).toBe(` nonce="${nonceOf(response)}"`);
      expect(text).toContain('data-follow="/api/logs/cigar%3Aproduction/follow?lines=0&amp;grep=GET"');
    },
  );

  it('Given not live, When the page opens, Then there is no script and no refresh', async () => {
    const { text } = await browser.page('/logs?source=cigar:production');
    expect(text).not.toMatch(/<script|http-equiv="refresh"/);
    expect(text).toContain('href="/logs?source=cigar%3Aproduction&amp;live=1"');
  });

  it(
    'Given a logged-in browser, When its EventSource opens the follow URL with the session cookie, ' + 'Then new lines arrive as events',
    async () => {
      const stop = new AbortController();
      const response = await browser.request('/api/logs/cigar:production/follow?lines=0', {
        headers: { accept: 'text/event-stream' },
        signal: stop.signal,
      });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      let seen = '';
      // tail starts a moment after the stream opens: write until a line gets through.
      let written = 0;
      const writeUntilSeen = async (): Promise<boolean> => {
        if (seen.includes('event: line')) return true;
        await appendFile(production, `I, [2026-11-25T18:05:0${written % 10}.000000 #7]  INFO -- : Started GET "/live" for 203.0.113.9\n`);
        written += 1;
        return false;
      };
      const appended = waitUntil(writeUntilSeen, 5_000, 100);
      while (!seen.includes('event: line')) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += new TextDecoder().decode(value);
      }
      stop.abort();
      await reader.cancel().catch(() => undefined);
      await appended;
      expect(seen).toContain('event: line');
      expect(seen).toContain('Started GET \\"/live\\"');
    },
  );
});

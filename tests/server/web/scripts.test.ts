/** The /scripts pages with real scripts in a temp folder, run for real through the exec door. */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { exitMeaning } from '../../../server/web/scripts-page.js';
import { testAgent, type TestAgent } from '../../support/agent.js';
import { BrowserSession, inputValue } from '../../support/browser-session.js';

const SCRIPTS: Record<string, string> = {
  'hello.sh': '#!/bin/sh\n# Says hello on both streams & exits CRITICAL.\necho "out: $*"\necho "err <b>line</b>" >&2\nexit 2\n',
  'args.sh': '#!/bin/sh\n# Prints its arguments, one per line.\nprintf "[%s]\\n" "$@"\n',
  'hostile.sh': '#!/bin/sh\n# Prints markup.\necho "</pre><script>alert(1)</script>"\n',
};

let dir: string;
let outside: string;
let agent: TestAgent;
let browser: BrowserSession;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-scripts-page-'));
  outside = await mkdtemp(path.join(tmpdir(), 'hms-outside-'));
  for (const [name, body] of Object.entries(SCRIPTS)) {
    await writeFile(path.join(dir, name), body);
    await chmod(path.join(dir, name), 0o755);
  }
  await writeFile(path.join(outside, 'evil.sh'), `#!/bin/sh\ntouch ${outside}/pwned\n`);
  await chmod(path.join(outside, 'evil.sh'), 0o755);
  await symlink(path.join(outside, 'evil.sh'), path.join(dir, 'evil.sh'));
  agent = await testAgent({ config: { scriptsDir: dir } });
  browser = new BrowserSession(agent);
  await browser.login();
});

const runs = async () => (await agent.deps.audit.recent()).filter((entry) => entry.action === 'script.run');

describe('GET /scripts', () => {
  it('Given scripts in the folder, When listed, Then each links to its page with its description; a symlink out is not there', async () => {
    const { text } = await browser.page('/scripts');
    expect(text).toContain('<td><a href="/scripts/hello">hello</a></td><td>Says hello on both streams &amp; exits CRITICAL.</td>');
    expect(text).toContain('<a href="/scripts/args">args</a>');
    expect(text).not.toContain('evil');
  });

  it('Given a script, When its page opens, Then a form with an arguments field and the CSRF token posts to it', async () => {
    const { text } = await browser.page('/scripts/args');
    expect(text).toContain('<form method="post" action="/scripts/args">');
    expect(inputValue(text, '_csrf')).toBe(await browser.csrf());
    expect(text).toContain('name="args"');
  });
});

describe('POST /scripts/:name', () => {
  it('Given arguments, When run, Then stdout, stderr and the exit code with its meaning are shown, and the run is audited', async () => {
    const response = await browser.submit('/scripts/hello', { args: '  alpha   beta ' });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/<p class="bad" id="exit"><strong>Exit 2: CRITICAL<\/strong>/);
    expect(text).toContain('<pre id="stdout">out: alpha beta\n</pre>');
    expect(text).toContain('<pre id="stderr" class="bad">err &lt;b&gt;line&lt;/b&gt;\n</pre>');
    expect(inputValue(text, 'args')).toBe('  alpha   beta ');
    expect(await runs()).toEqual([expect.objectContaining({ actor: 'admin', target: 'hello', detail: 'args: ["alpha","beta"]; exit 2' })]);
  });

  it('Given a script named as its file (hello.sh), When run from the form, Then hello runs', async () => {
    const text = await (await browser.submit('/scripts/hello.sh', { args: 'x' })).text();
    expect(text).toContain('<pre id="stdout">out: x\n</pre>');
    expect(await runs()).toEqual([expect.objectContaining({ target: 'hello' })]);
  });

  it('Given a script printing markup, When run, Then its output is text', async () => {
    const text = await (await browser.submit('/scripts/hostile', { args: '' })).text();
    expect(text).toContain('&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(text).not.toMatch(/<script/);
    expect(text).toContain('Exit 0: OK');
  });

  it.each([
    ['shell syntax', 'x; touch /tmp/pwned', 'Argument 1 (x;): may only contain letters, digits'],
    ['command substitution', 'ok $(id)', 'Argument 2 ($(id)): may only contain'],
    ['a traversal', '../../etc/passwd', 'must not contain &quot;..&quot;'],
    ['markup', '<script>', 'Argument 1 (&lt;script&gt;)'],
    ['too many arguments', Array.from({ length: 17 }, (_, i) => `a${i}`).join(' '), 'Arguments: at most 16 arguments'],
  ])('Given %s, When run, Then 400 names the argument, keeps what was typed, and nothing runs', async (_, args, message) => {
    const response = await browser.submit('/scripts/args', { args });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toContain(message);
    expect(inputValue(text, 'args')).toBe(args);
    expect(text).not.toContain('id="exit"');
    expect(await runs()).toEqual([]);
  });

  it('Given a form without the CSRF token, When posted, Then 403 and nothing runs', async () => {
    expect((await browser.submit('/scripts/args', { args: 'a' }, { csrf: false })).status).toBe(403);
    expect(await runs()).toEqual([]);
  });

  it('Given a symlink out of the folder or an unknown name, When posted, Then a 404 page and the target never runs', async () => {
    for (const name of ['evil', 'evil.sh', 'nope', '..%2fevil', 'hello.sh.sh']) {
      const response = await browser.submit(`/scripts/${name}`, { args: '' });
      expect(response.status, name).toBe(404);
      expect(await response.text()).toContain('Unknown script');
    }
    expect(existsSync(path.join(outside, 'pwned'))).toBe(false);
  });
});

describe('exitMeaning', () => {
  it('Given the Nagios exit codes, When explained, Then 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; signals and timeouts say so', () => {
    const meaning = (code: number | null, extra: { signal?: string; timedOut?: boolean } = {}) =>
      exitMeaning({ code, signal: extra.signal ?? null, timedOut: extra.timedOut ?? false }).label;
    expect([0, 1, 2, 3].map((code) => meaning(code))).toEqual(['OK', 'WARNING', 'CRITICAL', 'UNKNOWN']);
    expect(meaning(7)).toMatch(/^not one of the usual codes/);
    expect(meaning(null, { signal: 'SIGKILL' })).toBe('killed by SIGKILL');
    expect(meaning(null, { signal: 'SIGTERM', timedOut: true })).toBe('timed out, stopped with SIGTERM');
  });
});

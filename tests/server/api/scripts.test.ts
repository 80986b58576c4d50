/** /api/scripts with real scripts in a temp folder, run for real through the exec door. */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { AUTH, testAgent, type TestAgent } from '../../support/agent.js';
import { waitFor } from '../../support/wait-for.js';

const SCRIPTS: Record<string, string> = {
  'hello.sh': '#!/bin/sh\n# Says hello on both streams.\necho "out: $*"\necho "err line" >&2\nexit 2\n',
  'args.sh': '#!/bin/sh\n# Prints its arguments.\nprintf "[%s]\\n" "$@"\n',
  'env.sh': '#!/bin/sh\n# Prints its environment.\nenv\n',
  // Waits on a child, as real scripts do with systemctl or openssl: a kill must reach both.
  'flood.sh': '#!/bin/sh\n# Prints 9 MiB.\nhead -c 9437184 /dev/zero | tr "\\\\0" a\n',
  'sleeper.sh': '#!/bin/bash\n# Sleeps.\necho "started"\nsleep 30 &\necho "$$ $!"\nwait $!\necho never\n',
};

let dir: string;
let outside: string;
let agent: TestAgent;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-scripts-'));
  outside = await mkdtemp(path.join(tmpdir(), 'hms-outside-'));
  for (const [name, body] of Object.entries(SCRIPTS)) {
    await writeFile(path.join(dir, name), body);
    await chmod(path.join(dir, name), 0o755);
  }
  const evil = path.join(outside, 'evil.sh');
  await writeFile(evil, `#!/bin/sh\ntouch ${outside}/pwned\n`);
  await chmod(evil, 0o755);
  await symlink(evil, path.join(dir, 'evil.sh'));
  agent = await testAgent({
    config: {
      scriptsDir: dir,
      apps: { cigar: { unit: 'cigar.service', root: '/var/www/cigar' } },
    },
  });
});

interface SseEvent {
  event: string;
  data: string;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice('event: '.length);
        else if (line.startsWith('data:')) data.push(line.slice('data:'.length).replace(/^ /, ''));
      }
      return { event, data: data.join('\n') };
    });
}

async function run(name: string, body: unknown, accept?: string) {
  return agent.app.request(`/api/scripts/${name}/run`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json', ...(accept ? { accept } : {}) },
    body: JSON.stringify(body),
  });
}

/** Running, not a zombie or gone. */
function isRunning(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  return existsSync(stat) && !/^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'));
}

describe('GET /api/scripts', () => {
  it(
    'Given a scripts folder, When listed, ' +
      'Then the executable scripts inside it appear with a description, and the symlink out does not',
    async () => {
      const body = (await (await agent.app.request('/api/scripts', { headers: AUTH })).json()) as {
        scripts: Array<{ name: string; description: string }>;
      };
      expect(body.scripts.map((entry) => entry.name)).toEqual(['args', 'env', 'flood', 'hello', 'sleeper']);
      expect(body.scripts.find((entry) => entry.name === 'hello')!.description).toBe('Says hello on both streams.');
    },
  );

  it("Given the default scriptsDir (the repo's remote-cli-tools), When listed, Then the real scripts appear", async () => {
    const real = await testAgent();
    const body = (await (await real.app.request('/api/scripts', { headers: AUTH })).json()) as { scripts: Array<{ name: string }> };
    expect(body.scripts.map((entry) => entry.name)).toEqual(expect.arrayContaining(['check_disk_space', 'parse_logs']));
  });
});

describe('POST /api/scripts/:name/run', () => {
  it('Given a script, When run, Then stdout and stderr stream as events and the exit event closes the stream', async () => {
    const response = await run('hello', { args: ['--now'] });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(await response.text());
    expect(
      events
        .filter((event) => event.event === 'stdout')
        .map((event) => event.data)
        .join(''),
    ).toBe('out: --now\n');
    expect(
      events
        .filter((event) => event.event === 'stderr')
        .map((event) => event.data)
        .join(''),
    ).toBe('err line\n');
    expect(events.at(-1)!.event).toBe('exit');
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ code: 2, signal: null, timedOut: false, durationMs: expect.any(Number) });
    const [entry] = await agent.deps.audit.recent();
    expect(entry).toMatchObject({
      actor: 'api-token',
      action: 'script.run',
      target: 'hello',
      result: 'failed',
      detail: 'args: ["--now"]; exit 2',
    });
  });

  it(
    'Given a script that prints more than 8 MiB, When streamed, ' + 'Then the rest is left out with a notice and the run still ends',
    async () => {
      const events = parseSse(await (await run('flood', {})).text());
      const streamed = events.filter((event) => event.event === 'stdout').reduce((sum, event) => sum + event.data.length, 0);
      expect(streamed).toBeLessThanOrEqual(8 * 1024 * 1024);
      expect(events.some((event) => event.event === 'stderr' && event.data.includes('beyond 8 MiB is not streamed'))).toBe(true);
      expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ code: 0 });
    },
  );

  it('Given Accept: application/json, When run, Then one JSON result has code, output and duration', async () => {
    const response = await run('hello', {}, 'application/json');
    expect(await response.json()).toMatchObject({
      code: 2,
      stdout: 'out: \n',
      stderr: 'err line\n',
      timedOut: false,
      durationMs: expect.any(Number),
    });
  });

  it('Given a script named as its file (hello.sh), When run, Then it is the listed hello, audited under that name', async () => {
    const response = await run('hello.sh', {}, 'application/json');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ code: 2, stdout: 'out: \n' });
    expect((await agent.deps.audit.recent())[0]).toMatchObject({ action: 'script.run', target: 'hello' });
  });

  it('Given arguments that look like paths and options, When run, Then each reaches the script as one argv entry', async () => {
    const body = (await (await run('args', { args: ['--path=/var/log/nginx', 'a@b%c+d=e:f,g', ''] }, 'application/json')).json()) as {
      stdout: string;
    };
    expect(body.stdout).toBe('[--path=/var/log/nginx]\n[a@b%c+d=e:f,g]\n[]\n');
  });

  it('Given the agent config, When a script runs, Then it sees PATH, LANG and HMS_* only (no agent secrets)', async () => {
    process.env.HMS_TEST_LEAK = 'leak';
    const body = (await (await run('env', {}, 'application/json')).json()) as { stdout: string };
    delete process.env.HMS_TEST_LEAK;
    const keys = body.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('=')[0]!);
    // dash adds PWD itself.
    expect(keys.filter((key) => key !== 'PWD').sort()).toEqual([
      'HMS_APPS',
      'HMS_APP_ROOT',
      'HMS_NGINX_LOG_DIR',
      'HMS_UNITS',
      'LANG',
      'PATH',
    ]);
    expect(body.stdout).toContain('HMS_UNITS=cigar.service nginx.service hms-agent.service\n');
  });

  it('Given a script that outlives its timeout, When run, Then it and its child are killed and the exit says timedOut', async () => {
    const response = await run('sleeper', { timeoutSeconds: 1 });
    const events = parseSse(await response.text());
    const [scriptPid, childPid] = events
      .find((event) => event.data.includes(' '))!
      .data.trim()
      .split(' ')
      .map(Number);
    const exit = JSON.parse(events.at(-1)!.data) as { timedOut: boolean; durationMs: number; signal: string };
    expect(exit).toMatchObject({ timedOut: true, signal: 'SIGTERM' });
    expect(exit.durationMs).toBeLessThan(5000);
    await waitFor(
      () => !isRunning(scriptPid!) && !isRunning(childPid!),
      () => `script ${scriptPid} or its child ${childPid} still running`,
      5_000,
      50,
    );
    expect(events.map((event) => event.data).join('')).not.toContain('never');
  });

  it(
    'Given a client that goes away, When the stream is cancelled, ' + 'Then the script and its child are killed and the run audited',
    async () => {
      const response = await run('sleeper', {});
      const reader = response.body!.getReader();
      let text = '';
      while (!/\d+ \d+/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
      const [scriptPid, childPid] = /(\d+) (\d+)/.exec(text)!.slice(1).map(Number);
      await reader.cancel();
      await waitFor(
        () => !isRunning(scriptPid!) && !isRunning(childPid!),
        () => `script ${scriptPid} or its child ${childPid} still running`,
        5_000,
        50,
      );
      await waitFor(
        async () => (await agent.deps.audit.recent())[0]?.detail?.includes('client went away') === true,
        () => 'no audit entry with "client went away"',
        5_000,
        50,
      );
    },
  );

  it('Given names outside the allow-list, When run, Then 404 with the known names and nothing runs', async () => {
    for (const name of [
      'evil',
      'evil.sh',
      'hello.sh.sh',
      '.sh',
      '%2e%2e%2f',
      '..%2f..%2fbin%2fsh',
      '%2fbin%2fsh',
      'hello%00',
      '%252e%252e',
      'hello;id',
      'x'.repeat(300),
    ]) {
      const response = await run(name, {});
      expect(response.status, name).toBe(404);
      expect(((await response.json()) as { details: { known: string[] } }).details.known).toEqual([
        'args',
        'env',
        'flood',
        'hello',
        'sleeper',
      ]);
    }
    expect((await run('..', {})).status).toBe(404);
    expect(existsSync(path.join(outside, 'pwned'))).toBe(false);
    expect(await agent.deps.audit.recent()).toEqual([]);
  });

  it.each([['$(id)'], ['a;b'], ['`id`'], ['a\nb'], ['a b'], ['../etc/passwd'], ['/var/..'], ['a\0b'], ['|'], ['x'.repeat(201)]])(
    'Given the argument %j, When run, Then 400 and nothing runs',
    async (arg) => {
      const response = await run('args', { args: [arg] });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/^body\.args\.0: /);
      expect(await agent.deps.audit.recent()).toEqual([]);
    },
  );

  it(
    'Given a path argument outside the apps, nginx logs and certificate folders, ' + 'When run, Then it is refused before the script runs',
    async () => {
      const secret = path.join(outside, 'evil.sh');
      const response = await run('args', { args: ['--json', secret] }, 'application/json');
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string; hint: string };
      expect(body.error).toBe(`Refusing to run "args": argument 2 (${secret}) leads outside the folders a script may be given.`);
      expect(body.hint).toContain('/var/www/cigar, /var/log/nginx, /etc/nginx/ssl, /etc/letsencrypt/live');
      // Asked for a stream, the refusal is still a 400 before any stream opens.
      const streamed = await run('args', { args: [secret] });
      expect(streamed.status).toBe(400);
      expect(((await streamed.json()) as { error: string }).error).toContain('leads outside the folders a script may be given');
      expect(await agent.deps.audit.recent()).toEqual([]);
    },
  );

  it('Given too many arguments, a bad timeout or a bad body, When run, Then 400 names the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ args: Array.from({ length: 17 }, () => 'a') }, 'body.args'],
      [{ timeoutSeconds: 601 }, 'body.timeoutSeconds'],
      [{ timeoutSeconds: 0 }, 'body.timeoutSeconds'],
      [{ args: 'hello' }, 'body.args'],
      [{ args: [], shell: true }, 'body'],
    ];
    for (const [body, field] of cases) {
      const response = await run('args', body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toContain(field);
    }
  });

  it('Given the real check_disk_space script, When run with --help, Then it exits 0 with its usage', async () => {
    const real = await testAgent();
    const response = await real.app.request('/api/scripts/check_disk_space/run', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ args: ['--help'] }),
    });
    expect(await response.json()).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage') });
  });
});

/**
 * `hms run` against real agents: the local agent with the real remote-cli-tools, and
 * an agent on loopback with real scripts in a temp folder, run for real.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptRunResultSchema } from '../../src/api/scripts.js';
import { AgentError } from '../../src/client/http.js';
import { INTERRUPTED, runCommand } from '../../src/commands/run.js';
import { servedAgent, type ServedAgent } from '../support/served-agent.js';
import { testContext } from '../support/test-context.js';
import { waitFor, waitUntil } from '../support/wait-for.js';

const SCRIPTS: Record<string, string> = {
  // Exits with the code it is given, saying so on both streams.
  'nagios.sh': '# Exits with its argument.\necho "out one $1"\necho "err $1" >&2\necho "out two"\nexit "$1"',
  'sleeper.sh': '# Sleeps until stopped.\necho "started $$"\nexec sleep 30',
  'killed.sh': '# Dies by a signal.\necho dying\nkill -9 $$',
};

let dir: string;
let served: ServedAgent;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-run-cmd-'));
  for (const [name, body] of Object.entries(SCRIPTS)) {
    await writeFile(path.join(dir, name), `#!/bin/sh\n${body}\n`);
    await chmod(path.join(dir, name), 0o755);
  }
  served = await servedAgent({ config: { scriptsDir: dir } });
});

afterAll(async () => {
  await served.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('hms run in local mode (no server configured)', () => {
  it('Given the shipped scripts, When listed, Then each comes with what it does', async () => {
    const output = await runCommand.run(testContext());
    expect(output.human).toMatch(/^SCRIPT\s+WHAT IT DOES/);
    expect(output.human).toMatch(/check_disk_space\s+\S/);
  });

  it("Given an unknown script, When run, Then the agent's 404 names the known ones (exit 1)", async () => {
    const error = await runCommand.run(testContext({ args: ['nosuch'] })).catch((e: unknown) => e);
    expect((error as AgentError).status).toBe(404);
    expect((error as AgentError).hint).toMatch(/Known scripts: .*check_disk_space/);
    expect((error as AgentError).exitCode).toBe(1);
  });
});

describe('hms run <script>', () => {
  it.each([0, 1, 2, 3])(
    'Given a script that exits %i, When run, Then its output goes to stdout and stderr as it came and hms exits with that code',
    async (code) => {
      const context = served.context({ args: ['nagios', String(code)] });
      const output = await runCommand.run(context);
      expect(output.exitCode).toBe(code);
      expect(context.stdout.text).toBe(`out one ${code}\nout two\n`);
      expect(context.stderr.text).toBe(`err ${code}\n`);
      expect(output.human).toBe('');
    },
  );

  it('Given the script named as its file (nagios.sh), When run, Then it runs as nagios does', async () => {
    const context = served.context({ args: ['nagios.sh', '1'] });
    expect((await runCommand.run(context)).exitCode).toBe(1);
    expect(context.stdout.text).toBe('out one 1\nout two\n');
  });

  it("Given --json, When run, Then the result is the data and the exit code is still the script's", async () => {
    const output = await runCommand.run(served.context({ args: ['nagios', '2'], flags: { json: true } }));
    expect(output.exitCode).toBe(2);
    expect(scriptRunResultSchema.parse(output.data)).toMatchObject({ code: 2, stdout: 'out one 2\nout two\n', stderr: 'err 2\n' });
  });

  it('Given a script killed by a signal, When it ends, Then hms exits 3 (UNKNOWN) and says why', async () => {
    const context = served.context({ args: ['killed'] });
    const output = await runCommand.run(context);
    expect(output.exitCode).toBe(3);
    expect(context.notes.join('\n')).toMatch(/killed by SIGKILL; exiting 3 \(UNKNOWN\)/);
  });

  it('Given an argument with shell characters, When run, Then the agent refuses it before anything runs', async () => {
    const error = await runCommand.run(served.context({ args: ['nagios', '1;reboot'] })).catch((e: unknown) => e);
    expect((error as AgentError).status).toBe(400);
  });

  it('Given a running script, When Ctrl-C (the abort) comes, Then hms exits 130 and the agent stops the script', async () => {
    const stop = new AbortController();
    const context = served.context({ args: ['sleeper'], signal: stop.signal });
    const running = runCommand.run(context);
    await waitFor(
      () => context.stdout.text.includes('started'),
      () => context.stdout.text,
      15_000,
      50,
    );
    const pid = Number(/started (\d+)/.exec(context.stdout.text)?.[1]);
    stop.abort();
    const output = await running;
    expect(output.exitCode).toBe(INTERRUPTED);
    expect(context.notes.join('\n')).toContain('ends sleeper when hms goes away');
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitUntil(() => !alive(), 5_000, 50);
    expect(alive()).toBe(false);
  });
});

/** The scripts client against a real agent on loopback running real scripts from a temp folder. */
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connected } from '../../src/client/connect.js';
import { listScripts, runScriptJson, runScriptStream, type ScriptOutput } from '../../src/client/scripts-client.js';
import { servedAgent, type ServedAgent } from '../support/served-agent.js';

let served: ServedAgent;
let connected: Connected;

beforeEach(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-scripts-client-'));
  const scripts = {
    'steps.sh': '# Prints three steps, one on stderr.\necho one\nsleep 0.2\necho two >&2\nsleep 0.2\necho three\nexit 1',
    'sleeper.sh': '# Sleeps.\necho started\nexec sleep 30',
  };
  for (const [name, body] of Object.entries(scripts)) {
    await writeFile(path.join(dir, name), `#!/bin/sh\n${body}\n`);
    await chmod(path.join(dir, name), 0o755);
  }
  served = await servedAgent({ config: { scriptsDir: dir } });
  connected = await served.connect();
});

afterEach(async () => {
  await connected.close();
  await served.dispose();
});

describe('scripts client', () => {
  it('Given scripts, When listed, Then each has its name without .sh and its first comment', async () => {
    expect((await listScripts(connected.client)).scripts).toEqual([
      { name: 'sleeper', description: 'Sleeps.' },
      { name: 'steps', description: 'Prints three steps, one on stderr.' },
    ]);
  });

  it('Given a run, When streamed, Then output arrives in order, each chunk on its stream, then the exit', async () => {
    const seen: ScriptOutput[] = [];
    for await (const output of runScriptStream(connected.client, 'steps')) seen.push(output);
    expect(seen.slice(0, 3)).toEqual([
      { kind: 'stdout', text: 'one\n' },
      { kind: 'stderr', text: 'two\n' },
      { kind: 'stdout', text: 'three\n' },
    ]);
    expect(seen[3]).toMatchObject({ kind: 'exit', exit: { code: 1, signal: null, timedOut: false } });
  });

  it('Given a run as JSON, When it ends, Then one result holds both streams and the code', async () => {
    expect(await runScriptJson(connected.client, 'steps')).toMatchObject({ code: 1, stdout: 'one\nthree\n', stderr: 'two\n' });
  });

  it('Given a run, When the agent goes away mid-run, Then it is not retried and the error says the outcome is unknown', async () => {
    const outputs = runScriptStream(connected.client, 'sleeper');
    expect((await outputs.next()).value).toEqual({ kind: 'stdout', text: 'started\n' });
    await served.stop();
    await expect(outputs.next()).rejects.toThrow(/dropped before sleeper ended; how it ended is unknown/);
  });
});

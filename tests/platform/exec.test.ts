import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exec } from '../../src/platform/exec.js';
import { waitUntil } from '../support/wait-for.js';

describe('exec', () => {
  it('Given an argv with shell metacharacters, When run, Then they reach the program literally', async () => {
    const result = await exec(['printf', '%s|', '$(id)', 'a;b', '*']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('$(id)|a;b|*|');
  });

  it('Given a failing program, When run, Then the exit code and stderr are returned, not thrown', async () => {
    const result = await exec(['sh', '-c', 'echo oops >&2; exit 3']);
    expect(result).toMatchObject({ code: 3, stderr: 'oops\n', timedOut: false });
  });

  it('Given input, When run, Then it is written to stdin', async () => {
    expect((await exec(['cat'], { input: 'hello' })).stdout).toBe('hello');
  });

  it(
    'Given a stream as stdin, When chunks arrive over time and it ends, ' + 'Then the program reads them as they come and ends with it',
    async () => {
      const feed = new PassThrough();
      const seen: string[] = [];
      const running = exec(['cat'], { stdin: feed, onStdout: (chunk) => seen.push(chunk.toString()) });
      feed.write('one\n');
      await waitUntil(() => seen.length > 0, 1_000, 10);
      expect(seen).toEqual(['one\n']); // delivered while stdin is still open
      feed.end('two\n');
      expect(await running).toMatchObject({ code: 0, stdout: 'one\ntwo\n' });
    },
  );

  it('Given a stream as stdin that never ends, When the program is aborted, Then the call returns and the stream is let go', async () => {
    const feed = new PassThrough();
    const controller = new AbortController();
    const running = exec(['cat'], { stdin: feed, signal: controller.signal });
    feed.write('x\n');
    setTimeout(() => controller.abort(), 100);
    expect(await running).toMatchObject({ aborted: true, signal: 'SIGTERM' });
    expect(feed.listenerCount('data')).toBe(0);
    feed.write('after\n'); // nobody reads it any more, and nothing throws
  });

  it('Given a slow program and a timeout, When run, Then it is killed and marked timed out', async () => {
    const started = Date.now();
    const result = await exec(['sleep', '10'], { timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGTERM');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('Given an abort signal, When aborted, Then the program stops', async () => {
    const controller = new AbortController();
    const running = exec(['sleep', '10'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect((await running).aborted).toBe(true);
  });

  it('Given more output than the bound, When run, Then only the newest bytes are kept', async () => {
    const result = await exec(['sh', '-c', 'seq 1 100000'], { maxOutputBytes: 1000 });
    expect(result.truncated).toBe(true);
    expect(result.stdout.length).toBe(1000);
    expect(result.stdout.endsWith('99999\n100000\n')).toBe(true);
  });

  it('Given streaming callbacks, When output arrives, Then chunks are delivered as they come', async () => {
    const chunks: string[] = [];
    await exec(['sh', '-c', 'echo one; sleep 0.1; echo two'], { onStdout: (c) => chunks.push(c.toString()) });
    expect(chunks.join('')).toBe('one\ntwo\n');
  });

  it('Given a missing program, When run, Then a clear error says what to install', async () => {
    await expect(exec(['hms-no-such-program'])).rejects.toThrow(/Could not run `hms-no-such-program`/);
  });

  it('Given an empty argv or a NUL byte, When run, Then it is refused', async () => {
    expect(() => exec([])).toThrow(/argv/);
    expect(() => exec(['echo', 'a\0b'])).toThrow(/NUL/);
  });
});

describe('exec stops what the program started', () => {
  it('Given a shell that waits on a child, When it times out, Then the child stops too and the call returns promptly', async () => {
    const started = Date.now();
    const result = await exec(['sh', '-c', 'sleep 30; echo never'], { timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    const { readdirSync, readFileSync } = await import('node:fs');
    const sleepers = readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === 'sleep\u000030\u0000';
        } catch {
          return false;
        }
      });
    expect(sleepers).toEqual([]);
  });
});

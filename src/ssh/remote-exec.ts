/**
 * How a command runs on a server so that a timeout or an abort stops it there too.
 * sshd does not pass signals on, so the remote shell first prints its PID, then
 * `exec`s the command under that PID (a process group leader); stopping it means
 * killing that group through a second channel.
 */
import type { ClientChannel } from 'ssh2';
import { TailBuffer } from '../core/tail-buffer.js';
import type { ExecOptions, ExecResult } from '../platform/exec.js';
import { quoteArgv } from './quote.js';

/** The local exec door's options that make sense on a server (no cwd, env or stdin stream). */
export type RemoteExecOptions = Pick<ExecOptions, 'input' | 'timeoutMs' | 'signal' | 'maxOutputBytes' | 'onStdout' | 'onStderr'>;

/** Like the local door's result; the signal is whatever name sshd reported. */
export type RemoteExecResult = Omit<ExecResult, 'signal'> & { signal: string | null };

/** The shell line for an exec channel: the PID first, then argv under that PID. */
export function remoteCommand(argv: readonly string[]): string {
  return `echo $$; exec ${quoteArgv(argv)}`;
}

/** SIGTERM to the process group `pid` leads, SIGKILL if still there after 2 s. */
export function killGroupScript(pid: number): string {
  return (
    `kill -TERM -- -${pid} 2>/dev/null; ` +
    `for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- -${pid} 2>/dev/null || exit 0; sleep 0.2; done; ` +
    `kill -KILL -- -${pid} 2>/dev/null; exit 0`
  );
}

/**
 * Feeds the input to a channel opened with `remoteCommand(argv)` and collects its
 * output; resolves when the channel closes, never rejects for a non-zero exit.
 * `killGroup` is called with the PID when the timeout or the abort comes.
 */
export function runOnChannel(
  channel: ClientChannel,
  argv: readonly string[],
  options: RemoteExecOptions,
  killGroup: (pid: number) => void,
): Promise<RemoteExecResult> {
  const limit = options.maxOutputBytes ?? 1024 * 1024;
  const stdout = new TailBuffer(limit);
  const stderr = new TailBuffer(limit);
  return new Promise((resolve) => {
    let pid: number | undefined;
    let head = '';
    let timedOut = false;
    let aborted = false;
    const stop = (): void => {
      if (pid !== undefined) killGroup(pid);
      else channel.close();
    };
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutMs)
      : undefined;
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    const deliver = (chunk: Buffer): void => {
      stdout.push(chunk);
      options.onStdout?.(chunk);
    };

    channel.on('data', (chunk: Buffer) => {
      if (pid !== undefined) return deliver(chunk);
      head += chunk.toString('latin1');
      const newline = head.indexOf('\n');
      if (newline < 0) return;
      pid = Number(head.slice(0, newline));
      const rest = Buffer.from(head.slice(newline + 1), 'latin1');
      if (rest.length > 0) deliver(rest);
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
      if (aborted || timedOut) stop();
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      options.onStderr?.(chunk);
    });
    channel.on('close', (code: number | null, signal?: string) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        argv,
        code: typeof code === 'number' ? code : null,
        signal: signal ?? null,
        stdout: stdout.toString(),
        stderr: stderr.toString(),
        truncated: stdout.truncated || stderr.truncated,
        timedOut,
        aborted,
      });
    });
    channel.end(options.input);
  });
}

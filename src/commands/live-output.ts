import { once } from 'node:events';
import type { CommandContext } from './command.js';

/**
 * What a streaming command writes to and stops on. src/cli.ts passes none of these
 * yet, so the defaults are the process's streams and Ctrl-C; tests pass their own.
 */
export interface LiveContext extends CommandContext {
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream;
  signal?: AbortSignal;
}

export interface LiveOutput {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  /** Aborts on Ctrl-C (once: a second one kills as usual) or when stdout's reader goes away (`| head`). */
  signal: AbortSignal;
  done(): void;
}

export function liveOutput(context: CommandContext): LiveOutput {
  const live = context as LiveContext;
  const stdout = live.stdout ?? process.stdout;
  const stderr = live.stderr ?? process.stderr;
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  live.signal?.addEventListener('abort', stop, { once: true });
  if (live.signal?.aborted) stop();
  if (!live.signal) process.once('SIGINT', stop);
  stdout.on('error', stop);
  return {
    stdout,
    stderr,
    signal: controller.signal,
    done() {
      process.off('SIGINT', stop);
      live.signal?.removeEventListener('abort', stop);
      stdout.off('error', stop);
    },
  };
}

/** Writes and waits while the reader is behind, so a slow terminal slows the stream instead of filling memory. */
export async function write(stream: NodeJS.WritableStream, text: string, signal?: AbortSignal): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain', signal ? { signal } : {}).catch(() => undefined);
}

/**
 * A run (a script, `hms exec`) as Server-Sent Events: `stdout` / `stderr` events with text chunks in
 * the order they came, then `exit` (or `error` when it could not start). The script
 * is killed when the client goes away.
 */
import { StringDecoder } from 'node:string_decoder';
import type { SSEStreamingApi } from 'hono/streaming';
import type { ScriptExit, ScriptRunResult } from '../../../src/api/scripts.js';
import type { ScriptRunEvents } from '../../../src/api/streams.js';
import { ApiError } from '../../errors.js';
import { eventWriter } from '../../event-stream.js';
import { runScript, type RunScriptOptions } from './run.js';
import type { ScriptFile } from './scripts.js';

/** Past this, output is left out of the stream (a runaway script cannot fill the agent's memory). */
export const MAX_STREAMED_BYTES = 8 * 1024 * 1024;

type Run = Omit<RunScriptOptions, 'signal' | 'onStdout' | 'onStderr'> & { script: ScriptFile };

export const streamScriptRun = (stream: SSEStreamingApi, run: Run): Promise<void> =>
  streamRun(stream, (output) => runScript({ ...run, ...output }));

/** What a streamed run gives the process it runs: where its output goes, and the client's going away. */
export interface RunOutput {
  signal: AbortSignal;
  onStdout: (chunk: Buffer) => void;
  onStderr: (chunk: Buffer) => void;
}

/** Any run with this shape of result (a script, a command in an app's release) as SCRIPT_RUN_EVENTS. */
export async function streamRun(stream: SSEStreamingApi, runner: (output: RunOutput) => Promise<ScriptRunResult>): Promise<void> {
  const stop = new AbortController();
  stream.onAbort(() => stop.abort());
  const write = eventWriter<ScriptRunEvents>(stream);
  let pending = Promise.resolve();
  let streamed = 0;
  const send = (event: 'stdout' | 'stderr', data: string) => {
    if (data) pending = pending.then(() => write(event, data));
  };
  const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  const forward = (event: 'stdout' | 'stderr') => (chunk: Buffer) => {
    if (streamed > MAX_STREAMED_BYTES) return;
    streamed += chunk.length;
    if (streamed <= MAX_STREAMED_BYTES) return send(event, decoders[event].write(chunk));
    send('stderr', `\n[hms-agent: output beyond ${MAX_STREAMED_BYTES / 1024 / 1024} MiB is not streamed]\n`);
  };
  try {
    const result = await runner({ signal: stop.signal, onStdout: forward('stdout'), onStderr: forward('stderr') });
    send('stdout', decoders.stdout.end());
    send('stderr', decoders.stderr.end());
    await pending;
    const exit: ScriptExit = { code: result.code, signal: result.signal, timedOut: result.timedOut, durationMs: result.durationMs };
    await write('exit', exit);
  } catch (error) {
    await pending;
    const hint = error instanceof ApiError ? error.hint : undefined;
    await write('error', { error: (error as Error).message, hint });
  }
}

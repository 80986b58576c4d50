/**
 * A deploy as Server-Sent Events (`step`, `output`, then `done`) or as one JSON
 * result. A comment line every 15 s keeps proxies (nginx's 60 s read timeout) and
 * the client's body timeout from cutting a long silent step.
 */
import type { SSEStreamingApi } from 'hono/streaming';
import type { DeployDone, DeployResult, DeployStep, StepEvent } from '../../../src/api/deploys.js';
import type { DeployEvents, EventData, EventName } from '../../../src/api/streams.js';
import { eventWriter } from '../../event-stream.js';
import { runDeploy, type PreparedDeploy, type RunDeployOptions } from './deploy.js';
import type { DeployReporter } from './steps.js';

/** Past this, a deploy's output is left out of the stream (steps and done still come). */
export const MAX_STREAMED_BYTES = 8 * 1024 * 1024;
/** What the JSON answer keeps of the output: its end. */
export const JSON_OUTPUT_BYTES = 64 * 1024;
export const HEARTBEAT_MS = 15_000;

type Options = Omit<RunDeployOptions, 'reporter' | 'signal'>;

export async function streamDeploy(stream: SSEStreamingApi, prepared: PreparedDeploy, options: Options = {}): Promise<void> {
  const stop = new AbortController();
  stream.onAbort(() => stop.abort());
  let pending = Promise.resolve();
  const queue = (write: () => Promise<unknown>) => {
    // A client that went away makes writes fail; the deploy goes on to a safe end regardless.
    pending = pending.then(write).then(
      () => undefined,
      () => undefined,
    );
  };
  const write = eventWriter<DeployEvents>(stream);
  const send = <E extends EventName<DeployEvents>>(event: E, data: EventData<DeployEvents, E>) => queue(() => write(event, data));
  const budget = outputBudget();
  const reporter: DeployReporter = {
    step: (event) => send('step', event),
    output: (step, text) => {
      const shown = budget(text);
      if (shown !== undefined) send('output', { step, text: shown });
    },
  };
  const heartbeat = setInterval(() => queue(() => stream.write(': keep-alive\n\n')), HEARTBEAT_MS);
  try {
    send('done', await runSafely(prepared, { ...options, reporter, signal: stop.signal }));
  } finally {
    clearInterval(heartbeat);
    await pending;
  }
}

export async function collectDeploy(prepared: PreparedDeploy, options: Options & { signal?: AbortSignal }): Promise<DeployResult> {
  const steps: StepEvent[] = [];
  let output = '';
  const reporter: DeployReporter = {
    step: (event) => {
      if (event.status !== 'start') steps.push(event);
    },
    output: (_step: DeployStep, text: string) => {
      output += text;
      if (output.length > 2 * JSON_OUTPUT_BYTES) output = output.slice(-JSON_OUTPUT_BYTES);
    },
  };
  const done = await runSafely(prepared, { ...options, reporter });
  return { ...done, steps, output: output.slice(-JSON_OUTPUT_BYTES) };
}

/**
 * The output a live view may show: everything up to MAX_STREAMED_BYTES, then one
 * line saying the rest is left out, then nothing (steps and the outcome still come).
 */
export function outputBudget(): (text: string) => string | undefined {
  let streamed = 0;
  return (text) => {
    if (!text || streamed > MAX_STREAMED_BYTES) return undefined;
    streamed += text.length;
    return streamed <= MAX_STREAMED_BYTES ? text : `[hms-agent: output beyond ${MAX_STREAMED_BYTES / 1024 / 1024} MiB is not streamed]\n`;
  };
}

/** runDeploy ends every expected failure in a `done`; this covers the unexpected (a full disk under the audit log). */
export async function runSafely(prepared: PreparedDeploy, options: RunDeployOptions): Promise<DeployDone> {
  try {
    return await runDeploy(prepared, options);
  } catch (error) {
    console.error(`[hms-agent] deploy of ${prepared.name}:`, error);
    return {
      release: null,
      ok: false,
      rolledBack: false,
      error: `The deploy stopped on an agent error: ${(error as Error).message}`,
      hint: 'See `journalctl -u hms-agent` on the server.',
    };
  }
}

/**
 * A follow plan played into a Server-Sent Events stream: `line` events, a `: ping`
 * comment every 15 s, and the child stopped as soon as the client goes away.
 */
import type { SSEStreamingApi } from 'hono/streaming';
import type { LogLine } from '../../../src/api/logs.js';
import type { EventData, EventName, LogFollowEvents } from '../../../src/api/streams.js';
import type { exec as execDoor } from '../../../src/platform/exec.js';
import { eventWriter, type EventWriter } from '../../event-stream.js';
import { runFollow, type FollowPlan } from './follow.js';

export const KEEP_ALIVE_MS = 15_000;
/** Lines waiting for a slow client; beyond this they are dropped and counted. */
export const MAX_QUEUED_EVENTS = 1000;

export async function streamFollow(
  stream: SSEStreamingApi,
  options: { exec: typeof execDoor; plan: FollowPlan; requestSignal?: AbortSignal; keepAliveMs?: number },
): Promise<void> {
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  stream.onAbort(abort);
  options.requestSignal?.addEventListener('abort', abort, { once: true });
  if (options.requestSignal?.aborted) abort();
  const queue = new EventQueue(stream);
  const ping = setInterval(() => queue.comment('ping'), options.keepAliveMs ?? KEEP_ALIVE_MS);
  try {
    const { reason } = await runFollow({ exec: options.exec, plan: options.plan, signal: stop.signal, onLine: (line) => queue.line(line) });
    if (!stop.signal.aborted) queue.send('end', { reason });
    await queue.drained();
  } finally {
    clearInterval(ping);
    options.requestSignal?.removeEventListener('abort', abort);
  }
}

/** Writes in order without awaiting the producer; a client that cannot keep up loses lines, not memory. */
class EventQueue {
  private queued = 0;
  private dropped = 0;
  private chain: Promise<unknown> = Promise.resolve();

  private readonly write: EventWriter<LogFollowEvents>;

  constructor(private readonly stream: SSEStreamingApi) {
    this.write = eventWriter(stream);
  }

  line(data: LogLine): void {
    if (this.queued >= MAX_QUEUED_EVENTS) {
      this.dropped += 1;
      return;
    }
    if (this.dropped > 0) {
      this.send('dropped', { count: this.dropped });
      this.dropped = 0;
    }
    this.send('line', data);
  }

  send<E extends EventName<LogFollowEvents>>(event: E, data: EventData<LogFollowEvents, E>): void {
    this.enqueue(() => this.write(event, data));
  }

  comment(text: string): void {
    if (this.queued === 0) this.enqueue(() => this.stream.write(`: ${text}\n\n`));
  }

  drained(): Promise<unknown> {
    return this.chain;
  }

  private enqueue(write: () => Promise<unknown>): void {
    this.queued += 1;
    this.chain = this.chain
      .then(write)
      .catch(() => undefined) // the client went away; the abort stops the child
      .finally(() => {
        this.queued -= 1;
      });
  }
}

/**
 * A follow plan played into a Server-Sent Events stream: the lines, a `: ping`
 * comment every 15 s, and the child stopped as soon as the client goes away.
 *
 * At 50,000 lines a second nothing here is done per line that can be done per batch:
 * the lines waiting while the previous write drains go out in one write, as `lines`
 * events of up to MAX_EVENT_LINES each for a client that asked for them (batched), or
 * as the `line` events older clients read.
 */
import type { SSEStreamingApi } from 'hono/streaming';
import type { LogLine, LogLinesEvent } from '../../../src/api/logs.js';
import type { EventData, EventName, LogFollowEvents } from '../../../src/api/streams.js';
import type { exec as execDoor } from '../../../src/platform/exec.js';
import { runFollow, type FollowPlan } from './follow.js';

export const KEEP_ALIVE_MS = 15_000;
/** Characters of lines waiting for a slow client (about 1 s at 50,000 lines a second); beyond, lines are dropped and counted. */
export const MAX_PENDING_CHARS = 8 * 1024 * 1024;
/** Lines in one `lines` event: a client parses a bounded piece at a time. */
export const MAX_EVENT_LINES = 2000;

export async function streamFollow(
  stream: SSEStreamingApi,
  options: { exec: typeof execDoor; plan: FollowPlan; requestSignal?: AbortSignal; keepAliveMs?: number; batched?: boolean },
): Promise<void> {
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  stream.onAbort(abort);
  options.requestSignal?.addEventListener('abort', abort, { once: true });
  if (options.requestSignal?.aborted) abort();
  const queue = new LineQueue(stream, options.batched ?? false);
  const ping = setInterval(() => queue.comment('ping'), options.keepAliveMs ?? KEEP_ALIVE_MS);
  try {
    const { reason } = await runFollow({
      exec: options.exec,
      plan: options.plan,
      signal: stop.signal,
      onLines: (lines) => queue.lines(lines),
    });
    if (!stop.signal.aborted) queue.send('end', { reason });
    await queue.drained();
  } finally {
    clearInterval(ping);
    options.requestSignal?.removeEventListener('abort', abort);
  }
}

/** What waits to be written: lines, or an event already encoded (a `dropped` count, `end`, a comment). */
type Pending = LogLine | { encoded: string };

/** Writes in order without awaiting the producer; a client that cannot keep up loses lines (counted), not memory. */
export class LineQueue {
  private pending: Pending[] = [];
  private pendingChars = 0;
  private dropped = 0;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly stream: SSEStreamingApi,
    private readonly batched: boolean,
  ) {}

  lines(lines: LogLine[]): void {
    for (const line of lines) {
      if (this.pendingChars >= MAX_PENDING_CHARS) {
        this.dropped += 1;
        continue;
      }
      this.countDropped();
      this.pending.push(line);
      this.pendingChars += line.text.length + 40;
    }
    this.pump();
  }

  send<E extends EventName<LogFollowEvents>>(event: E, data: EventData<LogFollowEvents, E>): void {
    this.countDropped();
    this.pending.push({ encoded: encode(event, data) });
    this.pump();
  }

  comment(text: string): void {
    if (this.pending.length > 0 || this.writing) return;
    this.pending.push({ encoded: `: ${text}\n\n` });
    this.pump();
  }

  /** Resolves once everything queued so far is written (or the client went away). */
  async drained(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Lines dropped since the last one queued are said, in their place, before what comes next. */
  private countDropped(): void {
    if (this.dropped === 0) return;
    this.pending.push({ encoded: encode('dropped', { count: this.dropped }) });
    this.dropped = 0;
  }

  private pump(): void {
    if (this.writing || this.pending.length === 0) return;
    this.writing = this.writeAll().finally(() => {
      this.writing = undefined;
      this.pump();
    });
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length > 0) {
      const items = this.pending;
      this.pending = [];
      this.pendingChars = 0;
      // The client went away: the abort stops the child.
      await this.stream.write(this.encodeAll(items)).catch(() => undefined);
    }
  }

  private encodeAll(items: Pending[]): string {
    const out: string[] = [];
    let run: LogLine[] = [];
    const flush = (): void => {
      if (run.length === 0) return;
      if (this.batched)
        for (let i = 0; i < run.length; i += MAX_EVENT_LINES) out.push(encode('lines', batchOf(run.slice(i, i + MAX_EVENT_LINES))));
      else for (const line of run) out.push(encode('line', line));
      run = [];
    };
    for (const item of items) {
      if ('encoded' in item) {
        flush();
        out.push(item.encoded);
      } else run.push(item);
    }
    flush();
    return out.join('');
  }
}

/** One SSE event: its payload as one line of JSON (JSON never holds a raw newline). */
function encode<E extends EventName<LogFollowEvents>>(event: E, data: EventData<LogFollowEvents, E>): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Lines as one `lines` event: the texts, and the time only where it changes. */
export function batchOf(lines: LogLine[]): LogLinesEvent {
  const text: string[] = new Array(lines.length);
  const ts: Array<[number, string]> = [];
  let last: string | undefined;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    text[i] = line.text;
    if (line.ts !== undefined && line.ts !== last) {
      ts.push([i, line.ts]);
      last = line.ts;
    }
  }
  return { text, ts };
}

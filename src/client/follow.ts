/**
 * Server-Sent Events from the agent: opening one stream, and following one through
 * dropped connections (agent restarted, network blip) with backoff, for up to
 * GIVE_UP_MS without a working stream. Only read-only streams may be followed this
 * way: a reconnect asks again from scratch (logs-client.ts resumes where it was).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { HmsError } from '../core/errors.js';
import type { ApiClient } from './api-client.js';
import { AgentError, json, type CallOptions } from './http.js';
import { readSse, type SseEvent } from './sse.js';

type Body = AsyncIterable<Buffer | Uint8Array | string>;

/** One event stream: the body of a 200 answer, or the agent's error as an AgentError. */
export async function openEventStream(client: ApiClient, path: string, options: CallOptions = {}): Promise<Body> {
  const response = await client.send(path, { ...options, headers: { accept: 'text/event-stream', ...options.headers } });
  if (response.status === 200) return response.body;
  await json(response, z.unknown(), client.server); // throws the agent's error for 4xx/5xx
  throw new HmsError(`${client.server} answered ${response.status} instead of an event stream.`, {
    hint: 'The agent and this hms are probably different versions: run `hms update-hosting-api`, or update hms.',
  });
}

/** An event's JSON data in the shape the contract says, or the same error `json()` gives. */
export function eventData<T>(schema: z.ZodType<T>, event: SseEvent, server: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.data);
  } catch {
    parsed = undefined;
  }
  const result = schema.safeParse(parsed);
  if (result.success) return result.data;
  throw new HmsError(`The agent on ${server} sent a "${event.event}" event in a shape this hms does not know.`, {
    hint: 'The agent and this hms are probably different versions: run `hms update-hosting-api`, or update hms.',
    cause: result.error,
  });
}

/** How long a follow keeps trying to get its stream back before it gives up. */
export const GIVE_UP_MS = 5 * 60_000;

/** 0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s between attempts. */
export function backoffMs(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 10_000);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

/**
 * Worth another try: the network or a restarting agent (5xx, 429). Never a refusal
 * that will say the same thing again (401 bad token, 404 unknown log, a host key).
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof AgentError) return error.status >= 500 || error.status === 429;
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: string }).code;
    const level = (e as { level?: string }).level;
    if ((code && NETWORK_CODES.has(code)) || level === 'client-timeout' || level === 'client-socket') return true;
    // Through the SSH tunnel a stopped agent is a refused channel (ssh2 sets `reason`, no code).
    if (typeof (e as { reason?: unknown }).reason === 'number' && /Channel open failure/.test(e.message)) return true;
    if (e instanceof HmsError && /^The SSH connection to .* is closed\./.test(e.message)) return true;
  }
  return false;
}

export interface FollowOptions {
  /** Opens one connection; `resume` is true after a drop (ask for no backlog then). */
  open(connection: { resume: boolean; signal: AbortSignal }): Promise<Body>;
  /** Aborting it ends the follow quietly. */
  signal?: AbortSignal | undefined;
  /** `reconnecting…` and `reconnected`, for people (stderr). */
  note(text: string): void;
  /** Nothing at all (not even the agent's 15 s ping) for this long counts as a drop. Default 45 s. */
  idleMs?: number;
  /** An event by which the agent says it stopped this stream (`end`): after the first stream, a drop like any other. */
  endEvent?: string;
  /** Without a stream that delivers for this long, the follow gives up with an error. Default GIVE_UP_MS. */
  giveUpMs?: number;
}

/**
 * The events of a stream, across reconnects, until `signal` aborts or the consumer
 * stops. A failure to connect the first time, or a refusal on reconnect, is thrown.
 */
export async function* followEvents(options: FollowOptions): AsyncGenerator<SseEvent> {
  const { signal } = options;
  const giveUpMs = options.giveUpMs ?? GIVE_UP_MS;
  let resume = false;
  let attempt = 0;
  let lostSince: number | undefined;
  let back = false;
  while (!signal?.aborted) {
    const connection = new AbortController();
    const stop = (): void => connection.abort();
    signal?.addEventListener('abort', stop, { once: true });
    let reason: string;
    let connected = false;
    try {
      const body = await options.open({ resume, signal: connection.signal });
      connected = true;
      if (lostSince !== undefined) options.note('reconnected');
      back = true;
      reason = 'the agent closed the stream';
      for await (const event of readSse(watchIdle(body, options.idleMs ?? 45_000, stop))) {
        if (event.event === options.endEvent && resume) {
          reason = `the agent ended the stream: ${endReason(event)}`;
          break;
        }
        // The give-up clock stops once something came: a stream that opens and ends at once does not count.
        lostSince = undefined;
        attempt = 0;
        resume = true;
        yield event;
      }
      resume = true;
    } catch (error) {
      if (signal?.aborted) return;
      // Once connected, a failing stream is the network's doing; before, only some failures are.
      if (!connected && (!resume || !isRetryable(error))) throw error;
      reason = connected && connection.signal.aborted ? 'nothing came, not even a ping' : (error as Error).message;
    } finally {
      signal?.removeEventListener('abort', stop);
      connection.abort();
    }
    if (signal?.aborted) return;
    const now = Date.now();
    if (lostSince === undefined || back) options.note(`lost the connection (${reason}); reconnecting… (for up to ${Math.round(giveUpMs / 60_000)} min)`);
    back = false;
    lostSince ??= now;
    if (now - lostSince >= giveUpMs) {
      throw new HmsError(`Gave up following after ${Math.round((now - lostSince) / 1000)} s without the agent (${reason}).`, {
        hint: 'Check the agent (`hms status`, `systemctl status hms-agent` on the server), then follow again.',
      });
    }
    await sleep(Math.min(backoffMs(attempt), Math.max(0, lostSince + giveUpMs - now)), undefined, { signal }).catch(() => undefined);
    attempt += 1;
  }
}

function endReason(event: SseEvent): string {
  try {
    return String((JSON.parse(event.data) as { reason?: unknown }).reason ?? event.data);
  } catch {
    return event.data;
  }
}

/** Passes the body through, calling `onIdle` when no chunk came for `idleMs` (a slow reader is not counted). */
async function* watchIdle(body: Body, idleMs: number, onIdle: () => void): Body {
  let timer = setTimeout(onIdle, idleMs);
  try {
    for await (const chunk of body) {
      clearTimeout(timer);
      yield chunk;
      timer = setTimeout(onIdle, idleMs);
    }
  } finally {
    clearTimeout(timer);
  }
}

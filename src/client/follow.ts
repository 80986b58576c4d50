/**
 * Following one of the agent's event streams through dropped connections (agent
 * restarted, network blip) by the one retry policy (retry.ts), saying where it stands
 * as it goes (follow-state.ts). Only read-only streams may be followed this way: a
 * reconnect asks again from scratch (logs-client.ts resumes where it was).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MalformedEventError, type Body } from './events.js';
import type { FollowState } from './follow-state.js';
import { backoffMs, gaveUp, GIVE_UP_MS, isRetryable } from './retry.js';
import { readSse, type SseEvent } from './sse.js';

export interface FollowOptions<T> {
  /** Opens one connection; `resume` is true after a drop (ask for no backlog then, or the one a resume matches). */
  open(connection: { resume: boolean; signal: AbortSignal }): Promise<Body>;
  /** An event as the contract types it, undefined for one it does not list; a malformed one throws, and that is final. */
  read(event: SseEvent): T | undefined;
  /** Why the agent stopped this stream, when `event` says it did: once something came, a drop like any other. */
  endReason?(event: T): string | undefined;
  /** Aborting it ends the follow quietly. */
  signal?: AbortSignal | undefined;
  onState?: ((state: FollowState) => void) | undefined;
  /** Nothing at all (not even the agent's 15 s ping) for this long counts as a drop. Default 45 s. */
  idleMs?: number | undefined;
  /**
   * A first connection that fails for a reason worth another try is tried again, as a
   * drop is (a view that starts with the agent down waits for it). Without, it is thrown.
   */
  waitForAgent?: boolean | undefined;
  /** The policy's limit; shorter in tests. */
  giveUpMs?: number | undefined;
}

/**
 * The events of a stream, across reconnects, until `signal` aborts or the consumer
 * stops. A refusal is thrown, and so is the first connection's failure unless
 * `waitForAgent`; so is giving up after `giveUpMs` without a stream that delivers.
 */
export async function* followEvents<T>(options: FollowOptions<T>): AsyncGenerator<T> {
  const { signal } = options;
  const report = (state: FollowState): void => options.onState?.(state);
  const giveUpMs = options.giveUpMs ?? GIVE_UP_MS;
  let resume = false;
  let opened = false;
  /** Backoff steps, from 0 again once something came. */
  let attempt = 0;
  /** Failed tries since a stream last opened. */
  let tries = 0;
  let lostSince: number | undefined;
  while (!signal?.aborted) {
    const connection = new AbortController();
    const stop = (): void => connection.abort();
    signal?.addEventListener('abort', stop, { once: true });
    let reason: string;
    let error: unknown;
    let connected = false;
    try {
      const body = await options.open({ resume, signal: connection.signal });
      connected = true;
      const at = new Date();
      report(opened ? { kind: 'reconnected', at, since: new Date(lostSince ?? at.getTime()) } : { kind: 'connected', at });
      opened = true;
      tries = 0;
      reason = 'the agent closed the stream';
      for await (const raw of readSse(watchIdle(body, options.idleMs ?? 45_000, stop))) {
        const event = options.read(raw);
        if (event === undefined) continue;
        const ended = options.endReason?.(event);
        if (ended !== undefined && resume) {
          reason = `the agent ended the stream: ${ended}`;
          break;
        }
        // The give-up clock stops once something came: a stream that opens and ends at once does not count.
        lostSince = undefined;
        attempt = 0;
        resume = true;
        yield event;
      }
      resume = true;
    } catch (failure) {
      if (signal?.aborted) return;
      if (failure instanceof MalformedEventError) throw failure;
      // Once connected, a failing stream is the network's doing; before, only some failures are.
      if (!connected && ((!resume && !options.waitForAgent) || !isRetryable(failure))) throw failure;
      const idle = connected && connection.signal.aborted;
      reason = idle ? 'nothing came, not even a ping' : (failure as Error).message;
      error = idle ? undefined : failure;
    } finally {
      signal?.removeEventListener('abort', stop);
      connection.abort();
    }
    if (signal?.aborted) return;
    const now = Date.now();
    lostSince ??= now;
    if (now - lostSince >= giveUpMs) throw gaveUp(now - lostSince, reason);
    const retryInMs = Math.min(backoffMs(attempt), lostSince + giveUpMs - now);
    const since = new Date(lostSince);
    report({ kind: 'reconnecting', at: new Date(now), reason, error, attempt: tries, opened, since, retryInMs, giveUpMs });
    tries += 1;
    await sleep(retryInMs, undefined, { signal }).catch(() => undefined);
    attempt += 1;
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

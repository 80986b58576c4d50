/**
 * Calls `load` every `intervalMs` until `signal` aborts. A failure never ends the
 * loop: it is reported, and the next try waits longer (backoff up to 10 s) until one
 * succeeds again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs } from '../../src/client/retry.js';

export interface RefreshOptions<T> {
  intervalMs: number;
  signal: AbortSignal;
  load(signal: AbortSignal): Promise<T>;
  onData(data: T): void;
  onError(error: unknown, retryInMs: number): void;
}

/** The wait before the next try: the interval while all is well, the backoff after failures. */
export function nextDelayMs(intervalMs: number, failures: number): number {
  return failures === 0 ? intervalMs : Math.max(intervalMs, backoffMs(failures - 1));
}

export async function refreshEvery<T>(options: RefreshOptions<T>): Promise<void> {
  const { signal } = options;
  let failures = 0;
  while (!signal.aborted) {
    let data: T | undefined;
    let loaded = false;
    try {
      data = await options.load(signal);
      loaded = true;
      failures = 0;
    } catch (error) {
      if (signal.aborted) return;
      failures += 1;
      options.onError(error, nextDelayMs(options.intervalMs, failures));
    }
    if (signal.aborted) return;
    // Outside the try: a failure to draw is a bug to report, not a connection to retry.
    if (loaded) options.onData(data as T);
    await sleep(nextDelayMs(options.intervalMs, failures), undefined, { signal }).catch(() => undefined);
  }
}

/**
 * The one way tests wait for something that happens on its own time (a frame, a child
 * process, a socket, a line in a log): check it every `intervalMs` until it holds or
 * `timeoutMs` has passed. The check may be sync or async. The time is read after each
 * check, so the check that runs when the time is up still counts.
 */
import { setTimeout as sleep } from 'node:timers/promises';

const INTERVAL_MS = 25;

/**
 * Resolves true once `check` holds, false if `timeoutMs` passes first. For callers that
 * assert on the outcome afterwards, or throw an error of their own that says more.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = INTERVAL_MS): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= until) return false;
    await sleep(intervalMs);
  }
}

/**
 * Resolves once `check` holds; otherwise fails after `timeoutMs` with `describe()`: what
 * was awaited and what was last seen (a frame, a screen, the output so far).
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  describe: () => string,
  timeoutMs = 15_000,
  intervalMs = INTERVAL_MS,
): Promise<void> {
  if (!(await waitUntil(check, timeoutMs, intervalMs))) throw new Error(`timed out after ${timeoutMs} ms waiting:\n${describe()}`);
}

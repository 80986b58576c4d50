/**
 * The one retry policy of the streams the laptop follows (`hms logs -f`, the TUI's
 * log view, hms monitor's log panel; follow.ts applies it), and the backoff the
 * polling views share:
 *   - backoff: 0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s between attempts, from the start
 *     again once something came;
 *   - limit: GIVE_UP_MS without a stream that delivers, then an error;
 *   - final at once: a refusal that would say the same thing again (isRetryable).
 */
import { HmsError } from '../core/errors.js';
import { AgentError } from './http.js';

/** How long a follow keeps trying to get its stream back before it gives up. */
export const GIVE_UP_MS = 5 * 60_000;

/** The limit of views that stay open (the TUI, the monitor): they keep trying until their user closes them. */
export const KEEP_TRYING = Number.POSITIVE_INFINITY;

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

/** The follow's end once GIVE_UP_MS passed without the agent. */
export function gaveUp(awayMs: number, reason: string): HmsError {
  return new HmsError(`Gave up following after ${Math.round(awayMs / 1000)} s without the agent (${reason}).`, {
    hint: 'Check the agent (`hms status`, `systemctl status hms-agent` on the server), then follow again.',
  });
}

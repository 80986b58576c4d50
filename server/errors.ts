import { HmsError } from '../src/core/errors.js';

/** An error with an HTTP status; `app.onError` turns it into `{ error, hint }`. */
export class ApiError extends HmsError {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 412 | 413 | 422 | 423 | 428 | 429 | 500 | 502 | 503 | 504,
    message: string,
    options: { hint?: string; cause?: unknown; details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, options);
    this.name = 'ApiError';
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
  readonly details: unknown;
  /** Sent with the answer, e.g. Retry-After with a 429. */
  readonly headers: Record<string, string>;
}

/** "Unknown app "x". Known: cigar, tobacco" — the names are the allow-list. */
export function unknownName(kind: string, name: string, known: readonly string[]): ApiError {
  return new ApiError(404, `Unknown ${kind} "${name.slice(0, 64)}".`, {
    hint: `Known ${kind}s: ${known.join(', ') || 'none configured'}.`,
    details: { known },
  });
}

/** Looks a user-given name up in an allow-list; the name itself is never used as a path. */
export function allowed<T>(kind: string, name: string, entries: Record<string, T>): T {
  if (Object.hasOwn(entries, name)) return entries[name]!;
  throw unknownName(kind, name, Object.keys(entries));
}

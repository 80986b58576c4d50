/**
 * The /api/logs contract: which logs the agent can show (an allow-list computed from
 * its config) and the lines of one; a follow's events are in streams.ts. Shared by
 * the agent's routes and the laptop client.
 */
import { z } from 'zod';
import { lazy } from './lazy.js';

export const DEFAULT_LINES = 200;
export const MAX_LINES = 10_000;
export const MAX_FOLLOW_BACKLOG = 200;
export const MAX_CONTEXT = 50;
export const MAX_PATTERN_LENGTH = 200;
export const MAX_TIME_SPEC_LENGTH = 40;

/**
 * `since` / `until`: an ISO 8601 date or date-time (local time without an offset), or
 * a relative form: `10m` or `-10m` or `10 min ago` (that long ago), `+5min`, `now`, `today`, `yesterday`
 * (resolved by src/core/time-spec.ts; the laptop sends an absolute time).
 */
const RELATIVE_UNIT = '(?:s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?)';

export const TIME_SPEC_PATTERN = new RegExp(
  [
    String.raw`^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$`,
    String.raw`^(?:[+-]?\d{1,6} ?${RELATIVE_UNIT}|\d{1,6} ?${RELATIVE_UNIT} ago)$`,
    String.raw`^(?:now|today|yesterday)$`,
  ].join('|'),
);

export const PRIORITY_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

const count = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, `${name} must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be a whole number from ${min} to ${max}`);

/** A pattern for grep -E (files), journalctl --grep (journal) or the follow filter. */
export const logPatternSchema = z
  .string()
  .min(1, 'grep must not be empty')
  .max(MAX_PATTERN_LENGTH, `grep must be at most ${MAX_PATTERN_LENGTH} characters`)
  // A newline would make grep read two patterns; other control characters are never meant.
  .refine((pattern) => !/[\u0000-\u001f\u007f]/.test(pattern), 'grep must not contain control characters (newline, NUL, ...)');

const timeSpec = (name: string) =>
  z
    .string()
    .max(MAX_TIME_SPEC_LENGTH, `${name} must be at most ${MAX_TIME_SPEC_LENGTH} characters`)
    .regex(TIME_SPEC_PATTERN, `${name} must be an ISO date-time (2026-11-25T18:02:11Z) or a relative time (10m, -1h, 10 min ago, today)`);

/** `?ignoreCase`, `=1` or `=true` turn it on. */
const flag = z
  .enum(['1', 'true', '', '0', 'false'], 'must be 1, true, 0 or false')
  .transform((value) => value === '1' || value === 'true' || value === '');

/** 0..7 or emerg..debug, as journalctl -p takes it; the number is what is passed on. */
export const prioritySchema = z
  .string()
  .refine(
    (value) => /^[0-7]$/.test(value) || (PRIORITY_NAMES as readonly string[]).includes(value),
    'priority must be 0-7 or one of emerg, alert, crit, err, warning, notice, info, debug',
  )
  .transform((value) => (/^[0-7]$/.test(value) ? Number(value) : (PRIORITY_NAMES as readonly string[]).indexOf(value)));

/** GET /api/logs/:source query. */
export const logQuerySchema = lazy(() =>
  z.strictObject({
    lines: count('lines', 1, MAX_LINES).default(DEFAULT_LINES),
    grep: logPatternSchema.optional(),
    context: count('context', 0, MAX_CONTEXT).default(0),
    ignoreCase: flag.default(false),
    since: timeSpec('since').optional(),
    until: timeSpec('until').optional(),
    /** Journal sources only. */
    priority: prioritySchema.optional(),
  }),
);
export type LogQuery = z.infer<typeof logQuerySchema>;

/** GET /api/logs/:source/follow query. */
export const logFollowQuerySchema = lazy(() =>
  z.strictObject({
    /** The backlog sent before new lines; default none. */
    lines: count('lines', 0, MAX_FOLLOW_BACKLOG).default(0),
    grep: logPatternSchema.optional(),
    ignoreCase: flag.default(false),
    /** Journal sources only. */
    priority: prioritySchema.optional(),
  }),
);
export type LogFollowQuery = z.infer<typeof logFollowQuerySchema>;

export const logSourceSchema = lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ name: z.string(), kind: z.literal('journal'), unit: z.string() }),
    z.object({
      name: z.string(),
      kind: z.literal('file'),
      path: z.string(),
      exists: z.boolean(),
      size: z.number().int().nullable(),
      /** Why the file cannot be shown although something is at its path (it resolves outside its folder); exists is then false. */
      problem: z.string().optional(),
    }),
  ]),
);
export type LogSourceInfo = z.infer<typeof logSourceSchema>;

/** GET /api/logs */
export const logSourcesResponseSchema = lazy(() => z.object({ sources: z.array(logSourceSchema) }));
export type LogSourcesResponse = z.infer<typeof logSourcesResponseSchema>;

/** One line, exactly as the log has it (a JSON string: never interpreted). */
export const logLineSchema = lazy(() =>
  z.object({
    text: z.string(),
    /** The line's time (ISO 8601, UTC); a line without one carries the previous line's. */
    ts: z.string().optional(),
    /** The line number in the file (file sources with grep). */
    lineNumber: z.number().int().optional(),
    /** True for a context line around a match (grep with context). */
    context: z.boolean().optional(),
  }),
);
export type LogLine = z.infer<typeof logLineSchema>;

/**
 * A follow's client sends this request header (value `1`) to take `lines` events, many
 * lines each, instead of one `line` event per line. Agents before it ignore the header and
 * send `line` events, which clients still read; clients before it never send it.
 */
export const FOLLOW_BATCH_HEADER = 'hms-follow-batch';

/**
 * `lines`: lines in log order. `ts` lists where the time changes, as [index into text, time]:
 * a line has the time of the last change at or before its index (none before the first).
 */
export interface LogLinesEvent {
  text: string[];
  ts: Array<[index: number, time: string]>;
}

/** Checked in one pass without a result object per line: a follow reads 50,000 lines a second. */
function isLogLinesEvent(value: unknown): value is LogLinesEvent {
  if (typeof value !== 'object' || value === null) return false;
  const { text, ts } = value as Record<string, unknown>;
  if (!Array.isArray(text) || !Array.isArray(ts)) return false;
  for (const line of text) if (typeof line !== 'string') return false;
  let previous = -1;
  for (const change of ts) {
    if (!Array.isArray(change) || change.length !== 2 || typeof change[1] !== 'string') return false;
    const index: unknown = change[0];
    if (typeof index !== 'number' || !Number.isInteger(index) || index <= previous || index >= text.length) return false;
    previous = index;
  }
  return true;
}

export const logLinesEventSchema = lazy(() =>
  z.custom<LogLinesEvent>(isLogLinesEvent, 'a lines event is { text: string[], ts: [index, time][] }'),
);

/** A batch (checked: `ts` indexes rise and lie within `text`) as separate lines. */
export function linesOf(event: LogLinesEvent): LogLine[] {
  const lines: LogLine[] = new Array(event.text.length);
  let change = 0;
  let ts: string | undefined;
  for (let i = 0; i < event.text.length; i += 1) {
    while (change < event.ts.length && event.ts[change]![0] <= i) ts = event.ts[change++]![1];
    lines[i] = ts === undefined ? { text: event.text[i]! } : { text: event.text[i]!, ts };
  }
  return lines;
}

/** GET /api/logs/:source — the newest lines, oldest first. */
export const logLinesResponseSchema = lazy(() =>
  z.object({
    source: z.string(),
    lines: z.array(logLineSchema),
    /** True when older lines (or matches) exist than the ones returned. */
    truncated: z.boolean(),
    /** With grep: how many of the returned lines matched (the others are context). */
    matched: z.number().int().optional(),
  }),
);
export type LogLinesResponse = z.infer<typeof logLinesResponseSchema>;

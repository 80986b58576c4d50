/**
 * `since` / `until` as instants. The agent resolves them itself (against its clock)
 * so a window means the same for a file as for the journal, which gets `@<epoch>`.
 */
import { ApiError } from '../errors.js';
import { civil } from './logs-timestamps.js';

export interface TimeWindow {
  since?: Date;
  until?: Date;
}

const UNIT_SECONDS: Array<[RegExp, number]> = [
  [/^(s|sec|secs|seconds?)$/, 1],
  [/^(m|min|mins|minutes?)$/, 60],
  [/^(h|hr|hours?)$/, 3600],
  [/^(d|days?)$/, 86_400],
  [/^(w|weeks?)$/, 604_800],
];

/** 9999-12-31T23:59:59.999Z */
const LATEST = 253_402_300_799_999;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const RELATIVE = /^([+-]?)(\d{1,6}) ?([a-z]+?)( ago)?$/;

/** A spec already matched by TIME_SPEC_PATTERN; undefined when it names no real date (2026-02-31). */
export function resolveTimeSpec(spec: string, now: Date): Date | undefined {
  if (spec === 'now') return new Date(now);
  if (spec === 'today' || spec === 'yesterday') {
    const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    if (spec === 'yesterday') midnight.setDate(midnight.getDate() - 1);
    return midnight;
  }
  const iso = ISO.exec(spec);
  if (iso) {
    const parts = [1, 2, 3, 4, 5, 6].map((i) => Number(iso[i] ?? 0));
    const ms = iso[7] ? Number(iso[7].slice(0, 3).padEnd(3, '0')) : 0;
    const date = civil(parts, ms, iso[8]);
    return isRealDate(parts) && !Number.isNaN(date.getTime()) ? date : undefined;
  }
  const relative = RELATIVE.exec(spec);
  const seconds = relative ? UNIT_SECONDS.find(([unit]) => unit.test(relative[3]!))?.[1] : undefined;
  if (!relative || seconds === undefined) return undefined;
  const sign = relative[1] === '-' || relative[4] ? -1 : 1;
  return new Date(now.getTime() + sign * Number(relative[2]) * seconds * 1000);
}

function isRealDate([year, month, day, hour, minute, second]: number[]): boolean {
  const probe = new Date(Date.UTC(year!, month! - 1, day!));
  return probe.getUTCMonth() === month! - 1 && probe.getUTCDate() === day! && hour! < 24 && minute! < 60 && second! < 61;
}

/** Both ends resolved, or a 400 naming the parameter. */
export function resolveWindow(specs: { since?: string; until?: string }, now: Date): TimeWindow {
  const resolve = (name: 'since' | 'until'): Date | undefined => {
    const spec = specs[name];
    if (spec === undefined) return undefined;
    const date = resolveTimeSpec(spec, now);
    if (!date) throw new ApiError(400, `Invalid query parameter ${name}: "${spec}" is not a real date.`, { hint: 'Use e.g. 2026-11-25T18:02:11Z, -1h or "10 min ago".' });
    // journalctl takes `@<epoch seconds>`: no logs before 1970 or after 9999 either way.
    if (date.getTime() < 0 || date.getTime() > LATEST) {
      throw new ApiError(400, `Invalid query parameter ${name}: "${spec}" is ${date.getTime() < 0 ? 'before 1970' : 'after 9999'}.`, { hint: 'Use e.g. 2026-11-25T18:02:11Z, -1h or "10 min ago".' });
    }
    return date;
  };
  const window: TimeWindow = { since: resolve('since'), until: resolve('until') };
  if (window.since && window.until && window.since > window.until) {
    throw new ApiError(400, `Invalid query parameters: since (${window.since.toISOString()}) is after until (${window.until.toISOString()}).`, { hint: 'Swap them.' });
  }
  return window;
}

export function inWindow(window: TimeWindow, ts: Date): boolean {
  return !(window.since && ts < window.since) && !(window.until && ts > window.until);
}

export function hasWindow(window: TimeWindow): boolean {
  return window.since !== undefined || window.until !== undefined;
}

/**
 * `since` / `until` as instants. The agent resolves them itself (against its clock)
 * so a window means the same for a file as for the journal, which gets `@<epoch>`.
 */
import { ApiError } from '../../errors.js';
import { parseTimeSpec, TIME_SPEC_FORMS } from '../../../src/core/time-spec.js';

export interface TimeWindow {
  since?: Date;
  until?: Date;
}

/** A spec already matched by TIME_SPEC_PATTERN; undefined when it names no real date (2026-02-31, -999999 weeks). */
export function resolveTimeSpec(spec: string, now: Date): Date | undefined {
  return parseTimeSpec(spec, now);
}

/** Both ends resolved, or a 400 naming the parameter. */
export function resolveWindow(specs: { since?: string; until?: string }, now: Date): TimeWindow {
  const resolve = (name: 'since' | 'until'): Date | undefined => {
    const spec = specs[name];
    if (spec === undefined) return undefined;
    const date = resolveTimeSpec(spec, now);
    if (!date)
      throw new ApiError(400, `Invalid query parameter ${name}: "${spec}" is not a real date (from 1970 to 9999).`, {
        hint: `Use one of: ${TIME_SPEC_FORMS}.`,
      });
    return date;
  };
  const window: TimeWindow = { since: resolve('since'), until: resolve('until') };
  if (window.since && window.until && window.since > window.until) {
    throw new ApiError(
      400,
      `Invalid query parameters: since (${window.since.toISOString()}) is after until (${window.until.toISOString()}).`,
      { hint: 'Swap them.' },
    );
  }
  return window;
}

export function inWindow(window: TimeWindow, ts: Date): boolean {
  return !(window.since && ts < window.since) && !(window.until && ts > window.until);
}

export function hasWindow(window: TimeWindow): boolean {
  return window.since !== undefined || window.until !== undefined;
}

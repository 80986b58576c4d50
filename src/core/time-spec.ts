/**
 * `--since` / `--until` and the agent's `since` / `until`: one parser for a point in
 * time as people write it. The laptop resolves it against its own clock and sends
 * the agent an absolute ISO time; the agent resolves whatever an API caller sent the
 * same way, against its clock.
 */

/** What a time may be written as, for usage errors and hints. */
export const TIME_SPEC_FORMS =
  '10m, 1h, 2d, 1w, -1h, "10 min ago", "2 hours ago", today, yesterday, now, 2026-12-03, 2026-12-03T14:00, 2026-12-03 14:00:00Z';

/** Times outside these years are a typo, not a log window (and journalctl refuses them). */
const FIRST_YEAR = 1970;
const LAST_YEAR = 9999;

const UNIT_SECONDS: Array<[RegExp, number]> = [
  [/^(s|sec|secs|seconds?)$/, 1],
  [/^(m|min|mins|minutes?)$/, 60],
  [/^(h|hr|hrs|hours?)$/, 3600],
  [/^(d|days?)$/, 86_400],
  [/^(w|weeks?)$/, 604_800],
];

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const RELATIVE = /^([+-]?)(\d{1,6}) ?([a-z]{1,7})( ago)?$/;

/**
 * The instant `spec` names, or undefined when it names none (a typo, 2026-02-31, a
 * year outside 1970-9999). A bare amount (`10m`) means that long ago, as `-10m`
 * and `10m ago` do; `+10m` is ahead. Without an offset, a time is local.
 */
export function parseTimeSpec(spec: string, now: Date): Date | undefined {
  const text = spec.trim().toLowerCase().replace(/\s+/g, ' ');
  if (text === 'now') return new Date(now);
  if (text === 'today' || text === 'yesterday') {
    const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    if (text === 'yesterday') midnight.setDate(midnight.getDate() - 1);
    return midnight;
  }
  const iso = ISO.exec(spec.trim());
  if (iso) {
    const parts = [1, 2, 3, 4, 5, 6].map((i) => Number(iso[i] ?? 0));
    const ms = iso[7] ? Number(iso[7].slice(0, 3).padEnd(3, '0')) : 0;
    return isRealDate(parts) ? sane(civil(parts, ms, iso[8]?.toUpperCase())) : undefined;
  }
  const relative = RELATIVE.exec(text);
  const seconds = relative ? UNIT_SECONDS.find(([unit]) => unit.test(relative[3]!))?.[1] : undefined;
  if (!relative || seconds === undefined || (relative[1] && relative[4])) return undefined;
  const sign = relative[1] === '+' ? 1 : -1;
  return sane(new Date(now.getTime() + sign * Number(relative[2]) * seconds * 1000));
}

/** A civil date-time in a fixed offset (`Z`, `+0100`, `-05:30`) or, without one, local time. */
export function civil([year, month, day, hour, minute, second]: number[], ms: number, offset?: string): Date {
  if (offset === undefined) return new Date(year!, month! - 1, day!, hour!, minute!, second!, ms);
  const utc = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!, ms);
  if (offset === 'Z') return new Date(utc);
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.replace(':', '');
  const minutes = +digits.slice(1, 3) * 60 + +digits.slice(3, 5);
  return new Date(utc - sign * minutes * 60_000);
}

function isRealDate([year, month, day, hour, minute, second]: number[]): boolean {
  const probe = new Date(Date.UTC(year!, month! - 1, day!));
  return probe.getUTCMonth() === month! - 1 && probe.getUTCDate() === day! && hour! < 24 && minute! < 60 && second! < 61;
}

function sane(date: Date): Date | undefined {
  const year = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || year < FIRST_YEAR || year > LAST_YEAR ? undefined : date;
}

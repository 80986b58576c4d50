/**
 * systemd calendar expressions (OnCalendar=) and time spans (RandomizedDelaySec=) as
 * the laptop checks them when it loads hms.config.json: a reasonable subset of
 * systemd.time(7) (shorthands, `DOW YYYY-MM-DD HH:MM:SS`, lists, ranges, repetitions,
 * UTC), so a typo is caught before provisioning, where `systemd-analyze calendar` has
 * the last word. From the expression comes how long its longest gap between two runs
 * can be: the age after which the last backup counts as missed.
 */

const HOUR = 1;
const DAY = 24 * HOUR;
const SHORTHANDS: Record<string, number> = {
  minutely: HOUR / 60,
  hourly: HOUR,
  daily: DAY,
  weekly: 7 * DAY,
  monthly: 31 * DAY,
  quarterly: 92 * DAY,
  semiannually: 184 * DAY,
  yearly: 366 * DAY,
  annually: 366 * DAY,
};
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const FULL_WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** A component's values within [min, max] (`*`, `5`, `1,15`, `1..5`, `0/6`, `*\/2`), or an error. */
export function expand(part: string, min: number, max: number): number[] | string {
  const values = new Set<number>();
  for (const item of part.split(',')) {
    const match = /^(\*|\d+)(?:\.\.(\d+))?(?:\/(\d+))?$/.exec(item);
    if (!match) return `"${item}" is not a number, *, a range a..b or a repetition a/b`;
    const start = match[1] === '*' ? min : Number(match[1]);
    const end = match[2] !== undefined ? Number(match[2]) : match[1] === '*' || match[3] !== undefined ? max : start;
    const step = match[3] !== undefined ? Number(match[3]) : 1;
    if (start < min || start > max || end < start || end > max) return `"${item}" is outside ${min}..${max}`;
    if (step < 1) return `"${item}" repeats every 0`;
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

/** The longest distance from one value to the next, going round at `cycle` (a single value: the whole cycle). */
function longestGap(values: number[], cycle: number): number {
  return Math.max(...values.map((v, i) => (i + 1 < values.length ? values[i + 1]! : values[0]! + cycle) - v));
}

function weekdays(part: string): number[] | string {
  const day = (name: string) => {
    const lower = name.toLowerCase();
    return WEEKDAYS.includes(lower) ? WEEKDAYS.indexOf(lower) : FULL_WEEKDAYS.indexOf(lower);
  };
  const days = new Set<number>();
  for (const item of part.split(',')) {
    const [from, to] = item.split('..');
    const a = day(from ?? '');
    const b = to === undefined ? a : day(to);
    if (a < 0 || b < 0) return `"${item}" is not a weekday (Mon..Sun)`;
    for (let d = a; d !== (b + 1) % 7; d = (d + 1) % 7) days.add(d);
    days.add(b);
  }
  return [...days].sort((x, y) => x - y);
}

interface Parsed {
  /** Hours from one run to the next, at most. */
  periodHours: number;
}

function parse(expression: string): Parsed | string {
  const text = expression.trim();
  if (text.length === 0 || text.length > 120) return 'must be 1 to 120 characters';
  if (!/^[A-Za-z0-9*,./:~ _-]+$/.test(text)) return 'has characters systemd calendar expressions do not use';
  const shorthand = SHORTHANDS[text.toLowerCase()];
  if (shorthand !== undefined) return { periodHours: shorthand };
  const words = text.split(/\s+/);
  if (words.at(-1) === 'UTC' || /^[A-Z][A-Za-z_]+\/[A-Za-z_]+$/.test(words.at(-1) ?? '')) words.pop();
  let dayGap = 1;
  if (words[0] && /^[A-Za-z]/.test(words[0])) {
    const days = weekdays(words.shift()!);
    if (typeof days === 'string') return days;
    dayGap = Math.max(dayGap, longestGap(days, 7));
  }
  let time: string | undefined;
  for (const word of words) {
    if (word.includes(':')) {
      if (time) return `"${word}": a second time of day`;
      time = word;
    } else if (/[-~]/.test(word)) {
      const parts = word.split(/[-~]/);
      if (parts.length < 2 || parts.length > 3) return `"${word}" is not a date (YYYY-MM-DD or MM-DD)`;
      const [year, month, day] = parts.length === 3 ? parts : ['*', ...parts];
      const years = expand(year!, 1970, 2199);
      const months = expand(month!, 1, 12);
      const days = expand(day!, 1, 31);
      for (const v of [years, months, days]) if (typeof v === 'string') return v;
      if (year !== '*') dayGap = Math.max(dayGap, 366);
      if (month !== '*') dayGap = Math.max(dayGap, longestGap(months as number[], 12) * 31);
      if (day !== '*') dayGap = Math.max(dayGap, longestGap(days as number[], 31));
    } else return `"${word}" is neither a weekday, a date nor a time`;
  }
  const [hour, minute = '0', second = '0'] = (time ?? '00:00:00').split(':');
  const hours = expand(hour!, 0, 23);
  const minutes = expand(minute, 0, 59);
  const seconds = expand(second.replace(/\.\d+$/, ''), 0, 59);
  for (const v of [hours, minutes, seconds]) if (typeof v === 'string') return v;
  const times = (hours as number[]).flatMap((h) => (minutes as number[]).map((m) => h * 60 + m));
  // Several days apart, the runs within one day do not shorten the longest gap.
  return { periodHours: dayGap > 1 ? dayGap * DAY : longestGap(times, 24 * 60) / 60 };
}

/** Why the expression is not one hms takes, or undefined when it is. */
export function onCalendarError(expression: string): string | undefined {
  const parsed = parse(expression);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** The longest time between two runs of the expression, in hours (an upper bound). */
export function calendarPeriodHours(expression: string): number {
  const parsed = parse(expression);
  if (typeof parsed === 'string') throw new Error(`not a calendar expression: ${parsed}`);
  return parsed.periodHours;
}

const SPAN_UNITS: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600, d: 86400, w: 604800 };

/** A systemd time span ("30min", "1h 30min", "90") in seconds, or undefined when it is not one hms takes. */
export function timeSpanSeconds(span: string): number | undefined {
  const tokens = span.trim().split(/\s+/);
  let total = 0;
  for (const token of tokens) {
    const match = /^(\d+)([a-z]*)$/.exec(token);
    const unit = match ? (match[2] === '' ? 1 : SPAN_UNITS[match[2]!]) : undefined;
    if (!match || unit === undefined) return undefined;
    total += Number(match[1]) * unit;
  }
  return total;
}

/**
 * When the last good backup counts as missed: the schedule's longest gap, a quarter of
 * it more (at least an hour: a backup takes time, a server reboots), plus the timer's
 * random delay. Daily gives 30 h.
 */
export function overdueAfterHours(onCalendar: string, randomizedDelaySeconds = 0): number {
  const period = calendarPeriodHours(onCalendar);
  const hours = period + Math.max(1, period / 4) + randomizedDelaySeconds / 3600;
  return Math.round(hours * 100) / 100;
}

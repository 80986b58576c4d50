/**
 * The laptop's reading of OnCalendar expressions, held against systemd's own
 * (`systemd-analyze calendar` on this machine, skipped where it is not installed):
 * what hms accepts systemd accepts, the typos it refuses systemd refuses too, and the
 * longest gap it computes is never shorter than the gaps between systemd's next runs.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { calendarPeriodHours, onCalendarError, overdueAfterHours, timeSpanSeconds } from '../../src/core/on-calendar.js';

const run = promisify(execFile);
const hasSystemd = existsSync('/usr/bin/systemd-analyze');

const GOOD = [
  'daily',
  'hourly',
  'weekly',
  'monthly',
  '*-*-* 03:00',
  '*-*-* 03:15:00',
  '*-*-* 00/6:00',
  '*-*-* 02,14:30',
  'Mon,Thu *-*-* 03:00',
  'Mon..Fri 01:30',
  'Sun *-*-* 04:30',
  '*-*-01 05:00',
  '*:0/15',
  '*-*-* 03:00 UTC',
];
const BAD = [
  'dialy',
  '',
  '*-*-* 25:00',
  '*-*-* 03:61',
  'Mon..Fry 03:00',
  '*-13-01',
  'daily; rm -rf /',
  '03:00\nOnCalendar=hourly',
  'every day',
];

/** systemd's next `n` runs of the expression, as times. */
async function nextRuns(expression: string, n: number): Promise<number[]> {
  const { stdout } = await run('systemd-analyze', ['calendar', `--iterations=${n}`, '--', expression], { env: { TZ: 'UTC', LANG: 'C' } });
  return [...stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\S+ \S+) UTC/g)].map((m) => Date.parse(`${m[1]!.replace(' ', 'T')}Z`));
}

describe('OnCalendar expressions on the laptop', () => {
  it('Given usual schedules and typos, When checked, Then the schedules pass and each typo is refused with a reason', () => {
    for (const expression of GOOD) expect(onCalendarError(expression), expression).toBeUndefined();
    for (const expression of BAD) expect(onCalendarError(expression), JSON.stringify(expression)).toMatch(/./);
  });

  it.skipIf(!hasSystemd)('Given the same expressions, When systemd-analyze reads them, Then it agrees with hms on every one', async () => {
    for (const expression of GOOD) await expect(run('systemd-analyze', ['calendar', '--', expression]), expression).resolves.toBeDefined();
    for (const expression of BAD.filter((e) => e !== '' && !e.includes('\n')))
      await expect(run('systemd-analyze', ['calendar', '--', expression]), expression).rejects.toThrow();
  });

  it.skipIf(!hasSystemd)(
    "Given each schedule, When systemd lists its next 40 runs, Then no gap between them is longer than hms's longest gap",
    async () => {
      for (const expression of GOOD.filter((e) => !['monthly', '*-*-01 05:00'].includes(e))) {
        const runs = await nextRuns(expression, 40);
        expect(runs.length, expression).toBe(40);
        const longest = Math.max(...runs.slice(1).map((t, i) => (t - runs[i]!) / 3_600_000));
        expect(calendarPeriodHours(expression), expression).toBeGreaterThanOrEqual(longest);
        // An upper bound, not a wild one: at most a day, or a week, over.
        expect(calendarPeriodHours(expression) - longest, expression).toBeLessThanOrEqual(longest >= 24 ? 7 * 24 : 1);
      }
    },
  );

  it('Given a daily schedule and a random delay, When the overdue age is computed, Then it is the gap, a quarter more, the delay', () => {
    expect(overdueAfterHours('daily')).toBe(30);
    expect(overdueAfterHours('daily', 1800)).toBe(30.5);
    expect(overdueAfterHours('hourly')).toBe(2);
    expect(overdueAfterHours('weekly')).toBe(210);
    expect(calendarPeriodHours('Mon,Thu *-*-* 03:00')).toBe(96);
    expect(calendarPeriodHours('*-*-* 00/6:00')).toBe(6);
  });

  it('Given time spans, When read, Then systemd units are understood and anything else is refused', () => {
    expect(timeSpanSeconds('30min')).toBe(1800);
    expect(timeSpanSeconds('1h 30min')).toBe(5400);
    expect(timeSpanSeconds('0')).toBe(0);
    expect(timeSpanSeconds('soon')).toBeUndefined();
    expect(timeSpanSeconds('1h;reboot')).toBeUndefined();
  });
});

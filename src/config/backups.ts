/**
 * `servers.<name>.backups` of hms.config.json: when the server's backup timer runs
 * (systemd OnCalendar, checked here and again with `systemd-analyze calendar` when
 * provisioning), how many snapshots restic keeps, and when it checks the repository.
 */
import { z } from 'zod';
import { onCalendarError, overdueAfterHours, timeSpanSeconds } from '../core/on-calendar.js';

const onCalendar = z.string().superRefine((value, ctx) => {
  const error = onCalendarError(value);
  if (error) ctx.addIssue({ code: 'custom', message: `must be a systemd calendar expression such as "daily" or "*-*-* 03:00" (${error})` });
});

const timeSpan = z.string().refine((value) => timeSpanSeconds(value) !== undefined, 'must be a systemd time span such as "30min" or "1h"');

const count = (max: number) => z.number().int().min(0).max(max);

export const DEFAULT_KEEP = { daily: 7, weekly: 4, monthly: 6 };

export const backupsSchema = z.strictObject({
  /** When the timer backs up every app's database (OnCalendar=). */
  schedule: onCalendar.default('daily'),
  /** Spreads the start over this span (RandomizedDelaySec=), so servers do not all start at once. */
  randomizedDelay: timeSpan.default('30min'),
  /**
   * Snapshots kept per app and kind (scheduled, manual, pre-migration apart): the newest of
   * each of the last `daily` days, `weekly` weeks and `monthly` months.
   */
  keep: z
    .strictObject({ daily: count(366).min(1).default(7), weekly: count(520).default(4), monthly: count(240).default(6) })
    .default(DEFAULT_KEEP),
  /** When `restic check` reads a part of the repository's data (a different `1/checkSubsets` each run). */
  check: onCalendar.default('Sun *-*-* 04:30'),
  checkSubsets: z.number().int().min(1).max(1000).default(12),
});

export type BackupsConfig = z.infer<typeof backupsSchema>;

export const DEFAULT_BACKUPS: BackupsConfig = backupsSchema.parse({});

/** What the agent's configuration says about backups (server/config.ts backups). */
export function agentBackups(backups: BackupsConfig) {
  return {
    schedule: {
      onCalendar: backups.schedule,
      overdueAfterHours: overdueAfterHours(backups.schedule, timeSpanSeconds(backups.randomizedDelay)),
    },
    keep: backups.keep,
    check: { onCalendar: backups.check, subsets: backups.checkSubsets },
  };
}

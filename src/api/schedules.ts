/**
 * The /api/schedules contract: each app's scheduled tasks (apps.<name>.schedules) as
 * systemd's timers and services say they went. A run started now streams as
 * SCRIPT_RUN_EVENTS (streams.ts): its output as it comes, then its exit.
 */
import { z } from 'zod';
import { lazy } from './lazy.js';

/** ok / failed: how the last run ended; running: one runs now; never: none has run since the server started. */
export const SCHEDULE_RESULTS = ['ok', 'failed', 'running', 'never'] as const;
export const scheduleResultSchema = lazy(() => z.enum(SCHEDULE_RESULTS));
export type ScheduleResult = z.infer<typeof scheduleResultSchema>;

export const scheduleStatusSchema = lazy(() =>
  z.object({
    app: z.string(),
    name: z.string(),
    /** The service a run is, and the timer that starts it. */
    unit: z.string(),
    timer: z.string(),
    /** The calendar (OnCalendar=). */
    when: z.string(),
    timeoutSeconds: z.number().int(),
    overlap: z.boolean(),
    result: scheduleResultSchema,
    /** When the last (or current) run started (ISO 8601). */
    lastRun: z.string().nullable(),
    /** How long the last run took; null while it runs or when none ran. */
    durationMs: z.number().int().nonnegative().nullable(),
    /** The last run's exit status (ExecMainStatus). */
    exitStatus: z.number().int().nullable(),
    /** systemd's word for a failed run: exit-code, timeout, signal, oom-kill, ... */
    failure: z.string().nullable(),
    /** When the timer fires next; null when it is not armed. */
    nextRun: z.string().nullable(),
    /** Whether the timer is active (armed). */
    timerActive: z.boolean(),
  }),
);
export type ScheduleStatus = z.infer<typeof scheduleStatusSchema>;

export const schedulesResponseSchema = lazy(() => z.object({ schedules: z.array(scheduleStatusSchema) }));
export type SchedulesResponse = z.infer<typeof schedulesResponseSchema>;

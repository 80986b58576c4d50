/**
 * What an app runs besides its web process (`apps.<name>` of hms.config.json):
 * named worker processes, Redis, scheduled tasks, tasks that belong to every deploy,
 * and plain settings. Every name here becomes part of a systemd unit name, so it goes
 * through the same allow-list as app names; every command is an argv array, never a
 * shell string.
 */
import { z } from 'zod';
import { nameSchema } from '../core/names.js';
import { onCalendarError } from '../core/on-calendar.js';
import { webCommandSchema } from '../core/web-command.js';

/** argv of a process, a task or a schedule: words, no shell, no control characters. */
export const argvSchema = webCommandSchema;

/**
 * A process name: a word that ends up in `<app>-<process>.service`. `web` is puma's
 * (apps.<name>.webCommand); a few systemd and hms words are refused so that a unit
 * name never reads as another thing.
 */
const RESERVED_PROCESSES = new Set(['socket', 'backup', 'agent']);
export const processNameSchema = nameSchema.refine((name) => !RESERVED_PROCESSES.has(name), 'is reserved (socket, backup, agent)');

/**
 * A record whose keys are checked one by one, so that a refused key is named with
 * the key schema's own message (zod's record says only "Invalid key in record").
 */
export function keyedRecord<V extends z.ZodType>(key: z.ZodType<string>, value: V) {
  return z.record(z.string(), value).superRefine((record, ctx) => {
    for (const name of Object.keys(record)) {
      const result = key.safeParse(name);
      if (!result.success) ctx.addIssue({ code: 'custom', path: [name], message: result.error.issues[0]?.message ?? 'is not allowed' });
    }
  });
}

export const processSchema = z.union([
  argvSchema,
  z.strictObject({
    /** argv run in the current release with the app's env, e.g. ["bundle", "exec", "sidekiq"]. */
    command: argvSchema,
    /** How long a stop waits before SIGKILL (TimeoutStopSec=): a worker finishes or re-queues its job in it. */
    stopTimeoutSeconds: z.number().int().min(1).max(3600).default(30),
    /**
     * Sent before a deploy restarts the worker, so it stops taking new jobs while the release is built:
     * `TSTP` is Sidekiq's "quiet". Default: TSTP when the argv runs sidekiq, none otherwise.
     */
    quietSignal: z.enum(['TSTP', 'none']).optional(),
    /** A worker counts as up once it has run this long without a restart (the deploy's health gate). */
    settleSeconds: z.number().int().min(1).max(300).default(5),
    /**
     * The process tells systemd when it is ready (Type=notify), so a start waits for it and fails when it dies
     * booting. Sidekiq does so by itself; default: true when the argv runs sidekiq.
     */
    notify: z.boolean().optional(),
  }),
]);

export const redisSchema = z.union([
  z.literal(true),
  z.strictObject({
    /** The Redis database number (0-15); apps sharing a server's Redis need one each. */
    db: z.number().int().min(0).max(15).default(0),
  }),
]);

const onCalendarSchema = z.string().superRefine((value, ctx) => {
  const error = onCalendarError(value);
  if (error)
    ctx.addIssue({ code: 'custom', message: `must be a systemd calendar expression such as "hourly" or "*-*-* 03:00" (${error})` });
});

export const scheduleSchema = z.strictObject({
  /** argv run in the current release as the app's user with its env, e.g. ["bin/rails", "reports:daily"]. */
  command: argvSchema,
  /** When it runs (systemd OnCalendar=): "hourly", "*-*-* 03:00", "Mon..Fri 08:00". */
  when: onCalendarSchema,
  /** A run is stopped (and counts as failed) after this long. */
  timeoutSeconds: z.number().int().min(1).max(86_400).default(3600),
  /** false (default): a run due while the last one still runs is skipped (systemd never starts an active unit twice). */
  overlap: z.boolean().default(false),
});

export const releaseTaskSchema = z.strictObject({
  /** A name for the deploy step, e.g. "seed". */
  name: nameSchema,
  /** argv run in the new release with the app's env, after db:migrate and before the switch. */
  command: argvSchema,
  /** `every-deploy` (default) or `first-deploy`: once, on the app's first deploy (e.g. loading default data). */
  when: z.enum(['every-deploy', 'first-deploy']).default('every-deploy'),
  timeoutSeconds: z.number().int().min(1).max(3600).default(600),
});

/** Environment variable names: upper case, digits, "_"; the names hms writes itself are refused. */
export const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
export const HMS_ENV_NAMES = new Set([
  'RAILS_ENV',
  'RACK_ENV',
  'SECRET_KEY_BASE',
  'DATABASE_PASSWORD',
  'DATABASE_URL',
  'REDIS_URL',
  'RAILS_SERVE_STATIC_FILES',
]);

export const envNameSchema = z
  .string()
  .regex(ENV_NAME, 'must be an environment variable name such as SMTP_HOST (A-Z, 0-9, "_")')
  .refine((name) => !HMS_ENV_NAMES.has(name), 'is set by hms itself (RAILS_ENV, SECRET_KEY_BASE, DATABASE_URL, REDIS_URL, ...)');

/** A setting's value: one line, no control characters (systemd's EnvironmentFile reads lines). */
export const envValueSchema = z
  .string()
  .max(4096)
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'must be one line with no control characters');

/** The keys `apps.<name>` gains for processes, services, schedules, release tasks and settings. */
export const appExtrasShape = {
  /** Named processes besides puma, each `<app>-<name>.service`, e.g. { "worker": ["bundle", "exec", "sidekiq"] }. */
  processes: keyedRecord(processNameSchema, processSchema).default({}),
  /** Redis for this app (Debian's redis-server on loopback, with a password): REDIS_URL in its env. */
  redis: redisSchema.optional(),
  /** Scheduled tasks by name, each a systemd timer `<app>-<name>.timer` and its service. */
  schedules: keyedRecord(processNameSchema, scheduleSchema).default({}),
  /** Commands every deploy (or the first) runs after db:migrate, streamed as deploy steps. */
  releaseTasks: z.array(releaseTaskSchema).max(20).default([]),
  /** Plain settings written into the app's env file (secret ones live in .secrets.json app_env.<app>). */
  env: keyedRecord(envNameSchema, envValueSchema).default({}),
};

export type ProcessConfig = z.infer<typeof processSchema>;
export type ScheduleConfig = z.infer<typeof scheduleSchema>;
export type ReleaseTaskConfig = z.infer<typeof releaseTaskSchema>;
export type RedisConfig = z.infer<typeof redisSchema>;

export interface WorkerProcess {
  name: string;
  command: string[];
  stopTimeoutSeconds: number;
  quietSignal: 'TSTP' | 'none';
  settleSeconds: number;
  notify: boolean;
}

/** An app's workers (every process but `web`), with their defaults filled in, sorted by name. */
export function workersOf(app: { processes: Record<string, ProcessConfig> }): WorkerProcess[] {
  return Object.entries(app.processes)
    .filter(([name]) => name !== 'web')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, process]) => {
      const full = Array.isArray(process) ? { command: process, stopTimeoutSeconds: 30, settleSeconds: 5 } : process;
      const runsSidekiq = full.command.some((word) => /(^|\/)sidekiq$/.test(word));
      return {
        name,
        command: full.command,
        stopTimeoutSeconds: full.stopTimeoutSeconds,
        quietSignal: ('quietSignal' in full && full.quietSignal) || (runsSidekiq ? 'TSTP' : 'none'),
        settleSeconds: full.settleSeconds,
        notify: 'notify' in full && full.notify !== undefined ? full.notify : runsSidekiq,
      };
    });
}

/** The web process's argv from `processes.web`, when given there instead of `webCommand`. */
export function webProcessOf(app: { processes: Record<string, ProcessConfig> }): string[] | undefined {
  const web = app.processes.web;
  if (!web) return undefined;
  return Array.isArray(web) ? web : web.command;
}

/** The Redis database an app uses, when it declares Redis. */
export function redisDbOf(app: { redis?: RedisConfig }): number | undefined {
  if (app.redis === undefined) return undefined;
  return app.redis === true ? 0 : app.redis.db;
}

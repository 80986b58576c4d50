/** One app as the agent sees it (agent.json `apps.<name>`), written by `hms provision`. */
import { z } from 'zod';
import { nameSchema, sharedPathSchema } from '../src/core/names.js';
import { webCommandSchema } from '../src/core/web-command.js';

export const absolutePath = z.string().startsWith('/', 'must be an absolute path');
const sharedPath = sharedPathSchema;
export const unitName = z.string().regex(/^[A-Za-z0-9@._-]+\.(service|socket|timer)$/, 'must be a systemd unit name such as cigar.service');

/** Built for each check of agent.json (server/config.ts), not kept. */
export const buildAgentAppSchema = () =>
  z.strictObject({
    unit: unitName,
    /** The app's folder: releases/, shared/, current. */
    root: absolutePath,
    /** Health probe: GET `path` through the puma socket (or `url` for a TCP app). */
    health: z
      .strictObject({
        socket: absolutePath.optional(),
        url: z.url({ protocol: /^http$/ }).optional(),
        path: z.string().startsWith('/').default('/up'),
        timeoutMs: z.number().int().positive().default(3000),
      })
      .optional(),
    /** Extra log files by name; `production` defaults to <root>/shared/log/production.log. */
    logFiles: z.record(nameSchema, absolutePath).default({}),
    /** Deploys: the git repository (URL or path the deploy user can fetch) and its default branch. */
    repo: z
      .string()
      .min(1)
      .max(500)
      .refine((repo) => !repo.startsWith('-'), 'must be a git URL or path, not an option')
      .optional(),
    branch: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'must be a git branch name')
      .optional(),
    /** Releases kept after a deploy (never fewer than current and the one before). */
    keepReleases: z.number().int().min(2).max(50).default(5),
    /** Files that must exist in shared/ before a deploy, linked into each release (e.g. config/master.key). */
    sharedFiles: z.array(sharedPath).default([]),
    /** Folders kept across releases in shared/, linked into each release. */
    sharedDirs: z.array(sharedPath).default(['log', 'tmp', 'storage']),
    /** The app's SQLite database file, when it runs on SQLite: backed up through sqlite3's online `.backup`. */
    sqlite: absolutePath.optional(),
    /** argv that starts the web process instead of puma (bundle's, else the system's); one word per line in shared/config/web-command. */
    webCommand: webCommandSchema.optional(),
    /** Worker processes by name (apps.<name>.processes but web), each its own unit from templates/systemd/process.service. */
    processes: z
      .record(
        nameSchema,
        z.strictObject({
          unit: unitName,
          /** Signal sent before a deploy restarts it (Sidekiq's TSTP: stop taking jobs). */
          quietSignal: z.enum(['TSTP', 'none']).default('none'),
          /** Up once it has run this long without a restart (the deploy's health gate for workers). */
          settleSeconds: z.number().int().min(1).max(300).default(5),
        }),
      )
      .default({}),
    /** Scheduled tasks by name: a timer and the service it starts (templates/systemd/schedule.*). */
    schedules: z
      .record(
        nameSchema,
        z.strictObject({
          unit: unitName,
          timer: unitName,
          /** The timer's OnCalendar=, shown in views. */
          when: z.string().min(1).max(200),
          timeoutSeconds: z.number().int().positive().default(3600),
          overlap: z.boolean().default(false),
        }),
      )
      .default({}),
    /** Commands a deploy runs in the new release after db:migrate (every deploy, or the app's first only). */
    releaseTasks: z
      .array(
        z.strictObject({
          name: nameSchema,
          argv: webCommandSchema,
          when: z.enum(['every-deploy', 'first-deploy']).default('every-deploy'),
          timeoutSeconds: z.number().int().positive().default(600),
        }),
      )
      .default([]),
  });

export type AgentApp = z.infer<ReturnType<typeof buildAgentAppSchema>>;

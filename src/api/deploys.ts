/**
 * The /api/deploys contract: deploying a Rails app from its git repository, its
 * releases, rollback and the deploy lock. Shared by the agent's routes and the
 * laptop client.
 *
 *   POST   /api/deploys/:app            DeployRequest -> Server-Sent Events (DEPLOY_EVENTS, streams.ts),
 *                                       or one DeployResult with `Accept: application/json`
 *   GET    /api/deploys/:app/releases   -> ReleaseSummary[] (newest first)
 *   POST   /api/deploys/:app/rollback   RollbackRequest -> RollbackResult
 *   GET    /api/deploys/:app/lock       -> LockStatus
 *   POST   /api/deploys/:app/lock       LockRequest -> LockStatus (201)
 *   DELETE /api/deploys/:app/lock       -> UnlockResult
 * A deploy or rollback while the app is locked is a 423 whose `details.lock` is a DeployLock.
 */
import { z } from 'zod';
import { lazy } from './lazy.js';
import { healthResultSchema } from './apps.js';
import { restoreResultSchema } from './backups.js';

/** A release is named by the UTC time it was made: YYYYMMDDHHMMSS. */
export const RELEASE_ID_PATTERN = /^\d{14}$/;
export const releaseIdSchema = lazy(() => z.string().regex(RELEASE_ID_PATTERN, 'must be a release id such as 20260125180211'));

/** A branch, a tag or a full commit SHA. Never an option (`-x`), never `..`. */
export const gitRefSchema = z
  .string()
  .max(200, 'must be at most 200 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'must be a branch, tag or commit SHA (letters, digits, . _ / -)')
  .refine((ref) => !ref.includes('..') && !ref.includes('//') && !ref.endsWith('/') && !ref.endsWith('.lock'), 'is not a valid git ref');

/** Why: free text for people, one line. */
export const reasonSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(300, 'must be at most 300 characters')
  .refine((text) => !/[\u0000-\u001f\u007f]/.test(text), 'must be one line of text without control characters');

/** POST /api/deploys/:app body. `skipTests` says the laptop did not run the tests (recorded in the audit log). */
export const deployRequestSchema = lazy(() =>
  z.strictObject({
    ref: gitRefSchema.optional(),
    reason: reasonSchema.optional(),
    skipTests: z.boolean().default(false),
  }),
);
export type DeployRequest = z.input<typeof deployRequestSchema>;

/** The steps of a deploy, in order; `rollback` only runs when the health check (web or workers) fails. */
export const DEPLOY_STEPS = [
  'lock',
  'check',
  'fetch',
  'link',
  'bundle',
  'assets',
  'backup',
  'migrate',
  'tasks',
  'switch',
  'restart',
  'health',
  'workers',
  'rollback',
  'record',
  'prune',
] as const;
export const deployStepSchema = lazy(() => z.enum(DEPLOY_STEPS));
export type DeployStep = z.infer<typeof deployStepSchema>;

export const STEP_STATUSES = ['start', 'ok', 'failed', 'skipped'] as const;

/** `step` event: a step started or ended; `ms` is its duration (0 at start). */
export const stepEventSchema = lazy(() =>
  z.object({
    name: deployStepSchema,
    status: z.enum(STEP_STATUSES),
    ms: z.number().int().nonnegative(),
    /** One line for people: what was done, skipped or why it failed. */
    detail: z.string().optional(),
  }),
);
export type StepEvent = z.infer<typeof stepEventSchema>;

/** `output` event: text a step's commands printed (stdout and stderr as they came). */
export const outputEventSchema = lazy(() => z.object({ step: deployStepSchema, text: z.string() }));
export type OutputEvent = z.infer<typeof outputEventSchema>;

/** `done` event, the last one: how the deploy ended. */
export const doneEventSchema = lazy(() =>
  z.object({
    /** The release made; null when the deploy stopped before it made one. */
    release: z.string().nullable(),
    ok: z.boolean(),
    /** The health check failed after the switch and `current` went back to the previous release. */
    rolledBack: z.boolean(),
    sha: z.string().nullable().optional(),
    /** What went wrong and what to do next, when not ok. */
    error: z.string().optional(),
    hint: z.string().optional(),
    failedStep: deployStepSchema.optional(),
    ms: z.number().int().nonnegative().optional(),
  }),
);
export type DeployDone = z.infer<typeof doneEventSchema>;

/** The answer with `Accept: application/json`: the done event, every step event, and the output's last 64 KiB. */
export const deployResultSchema = doneEventSchema.extend({ steps: z.array(stepEventSchema), output: z.string() });
export type DeployResult = z.infer<typeof deployResultSchema>;

/** GET /api/deploys/:app/releases: one entry per release folder, newest first. */
export const releaseSummarySchema = lazy(() =>
  z.object({
    id: z.string(),
    sha: z.string().nullable(),
    ref: z.string().nullable(),
    at: z.string().nullable(),
    by: z.string().nullable(),
    /** The health check that ended its deploy; null when none ran (or no release.json). */
    health: healthResultSchema.nullable(),
    /** ok: it went live healthy; failed: it was rolled back; unknown: no release.json. */
    status: z.enum(['ok', 'failed', 'unknown']),
    current: z.boolean(),
    /** How many files db/migrate holds. */
    migrations: z.number().int().nonnegative(),
  }),
);
export type ReleaseSummary = z.infer<typeof releaseSummarySchema>;
export const releasesResponseSchema = lazy(() => z.array(releaseSummarySchema));

/** POST /api/deploys/:app/rollback body: the release to go back to (default: the one before current). */
/**
 * `restoreDatabase`: under the same lock, first restore the pre-migration backup taken before the current
 * release's migrations (POST /api/backups/:app/restore's steps), then go back.
 */
export const rollbackRequestSchema = lazy(() =>
  z.strictObject({
    release: releaseIdSchema.optional(),
    reason: reasonSchema.optional(),
    restoreDatabase: z.boolean().optional(),
  }),
);
export type RollbackRequest = z.input<typeof rollbackRequestSchema>;

export const rollbackResultSchema = lazy(() =>
  z.object({
    app: z.string(),
    from: z.string().nullable(),
    to: z.string(),
    ok: z.boolean(),
    /** The target was not healthy, so `current` went back to `from`. */
    revertedTo: z.string().nullable(),
    health: healthResultSchema.nullable(),
    /** Migrations that differ between the two releases: the database is not rolled back (unless `restoreDatabase`). */
    warnings: z.array(z.string()),
    steps: z.array(stepEventSchema),
    error: z.string().optional(),
    hint: z.string().optional(),
    ms: z.number().int().nonnegative(),
    /** With `restoreDatabase`: the restore of the pre-migration backup, done before going back. */
    restore: restoreResultSchema.optional(),
  }),
);
export type RollbackResult = z.infer<typeof rollbackResultSchema>;

/** Who holds an app's deploy lock, since when and why. */
export const deployLockSchema = lazy(() =>
  z.object({
    app: z.string(),
    by: z.string(),
    at: z.string(),
    reason: z.string(),
    /** deploy, rollback, restore and backup (the backup timer's run) locks end with their run; manual ones with `hms unlock`. */
    kind: z.enum(['deploy', 'rollback', 'restore', 'manual', 'backup']),
    /** The agent process running the deploy; null for a manual lock. */
    pid: z.number().int().nullable(),
    /** The process that took it is gone (the agent died mid-deploy): look, then unlock. */
    stale: z.boolean(),
  }),
);
export type DeployLock = z.infer<typeof deployLockSchema>;

/** POST /api/deploys/:app/lock body. */
export const lockRequestSchema = lazy(() => z.strictObject({ reason: reasonSchema }));
export type LockRequest = z.input<typeof lockRequestSchema>;

export const lockStatusSchema = lazy(() => z.object({ app: z.string(), locked: z.boolean(), lock: deployLockSchema.nullable() }));
export type LockStatus = z.infer<typeof lockStatusSchema>;

export const unlockResultSchema = lazy(() => z.object({ app: z.string(), unlocked: z.boolean(), lock: deployLockSchema.nullable() }));
export type UnlockResult = z.infer<typeof unlockResultSchema>;

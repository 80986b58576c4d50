/**
 * The /api/apps contract: what the agent reports about each managed unit (the apps,
 * nginx and the agent itself) and what an action returns. Shared by the agent's
 * routes and the laptop client.
 */
import { z } from 'zod';
import { backupOverviewSchema } from './backups.js';
import { lazy } from './lazy.js';

export const APP_ACTIONS = ['start', 'stop', 'restart', 'reload'] as const;
export const appActionSchema = lazy(() => z.enum(APP_ACTIONS));
export type AppAction = z.infer<typeof appActionSchema>;

/** What `systemctl show` says about one unit; null where systemd has no value. */
export const unitStateSchema = lazy(() =>
  z.object({
    unit: z.string(),
    description: z.string(),
    /** loaded | not-found | bad-setting | error | masked */
    loadState: z.string(),
    /** active | reloading | inactive | failed | activating | deactivating */
    activeState: z.string(),
    /** e.g. running, dead, exited, start-pre */
    subState: z.string(),
    /** When the unit entered its current active state (ISO 8601), null if never. */
    since: z.string().nullable(),
    mainPid: z.number().int().nullable(),
    /**
     * The unit's memory: systemd's MemoryCurrent, or where systemd does not account it,
     * the resident memory of the processes in its cgroup; null when neither is known.
     */
    memoryBytes: z.number().int().nullable(),
    /** Automatic restarts since the unit was last started by hand (NRestarts). */
    restarts: z.number().int().nullable(),
    /** success, exit-code, signal, timeout, oom-kill, ... */
    result: z.string().nullable(),
    /** The unit's cgroup path (ControlGroup), null for units that are not running. */
    controlGroup: z.string().nullable().optional(),
  }),
);
export type UnitState = z.infer<typeof unitStateSchema>;

export const healthResultSchema = lazy(() =>
  z.object({
    ok: z.boolean(),
    /** socket/url: an HTTP GET of the health path; unit: nginx's unit is active; self: the agent answered. */
    via: z.enum(['socket', 'url', 'unit', 'self']),
    /** The HTTP status, when an HTTP probe got an answer. */
    status: z.number().int().nullable(),
    ms: z.number(),
    error: z.string().nullable(),
  }),
);
export type HealthResult = z.infer<typeof healthResultSchema>;

/** app: a web process (puma); worker: one of an app's other processes (apps.<name>.processes); nginx; the agent. */
export const appKindSchema = lazy(() => z.enum(['app', 'worker', 'nginx', 'agent']));
export type AppKind = z.infer<typeof appKindSchema>;

export const appStatusSchema = lazy(() =>
  z.object({
    name: z.string(),
    kind: appKindSchema,
    state: unitStateSchema,
    /** null when the app has no health probe configured. */
    health: healthResultSchema.nullable(),
    /** The release `<root>/current` points at (apps only); null when there is none. */
    currentRelease: z.string().nullable(),
    /** A worker's app and process name (its unit is `<app>-<process>.service`). */
    app: z.string().optional(),
    process: z.string().optional(),
    /** True while nginx answers the app's requests with 503 (maintenance): the unit may run, users do not reach it. */
    maintenance: z.boolean().optional(),
    /** Why the state is unknown (e.g. no systemd on this machine); absent when all is known. */
    problem: z.string().optional(),
  }),
);
export type AppStatus = z.infer<typeof appStatusSchema>;

const snapshot = {
  hostname: z.string(),
  /** The agent's version. */
  version: z.string(),
  /** When the snapshot was taken (ISO 8601). */
  at: z.string(),
};

/** GET /api/apps; with ?include=backups also the backups overview, or why the agent could not give one. */
export const appsResponseSchema = lazy(() =>
  z.object({
    ...snapshot,
    apps: z.array(appStatusSchema),
    backups: backupOverviewSchema.optional(),
    backupsError: z.string().optional(),
  }),
);
export type AppsResponse = z.infer<typeof appsResponseSchema>;

/** GET /api/apps/:name */
export const appResponseSchema = lazy(() => z.object({ ...snapshot, app: appStatusSchema }));
export type AppResponse = z.infer<typeof appResponseSchema>;

/** POST /api/apps/:name/:action (no body) */
export const appActionResponseSchema = lazy(() =>
  z.object({
    ...snapshot,
    action: appActionSchema,
    app: appStatusSchema,
    /** False when the unit was still changing state when the agent stopped waiting. */
    settled: z.boolean(),
    message: z.string(),
  }),
);
export type AppActionResponse = z.infer<typeof appActionResponseSchema>;

/** PUT /api/apps/:name/maintenance: on with the message its 503 page shows (plain text), or off. */
export const maintenanceRequestSchema = lazy(() =>
  z.strictObject({
    on: z.boolean(),
    message: z
      .string()
      .min(1)
      .max(500)
      .regex(/^[^\p{Cc}]*$/u, 'must be plain text on one line (no control characters)')
      .optional(),
  }),
);
export type MaintenanceRequest = z.infer<typeof maintenanceRequestSchema>;

/**
 * Whether an app answers 503 (maintenance) instead of serving: `manual` someone asked for it and
 * it stays until turned off; `restore` a restore is swapping the database.
 */
export const maintenanceStateSchema = lazy(() =>
  z.object({
    app: z.string(),
    on: z.boolean(),
    kind: z.enum(['restore', 'manual']).optional(),
    at: z.string().optional(),
    by: z.string().optional(),
    why: z.string().optional(),
    message: z.string().optional(),
  }),
);
export type MaintenanceState = z.infer<typeof maintenanceStateSchema>;

/**
 * The /api/backups contract: an app's database backups in the server's restic
 * repository, taken on request and listed with what was recorded when each was taken.
 */
import { z } from 'zod';
import { lazy } from './lazy.js';

/** `pre-restore`: what was live, taken by a restore just before it replaced it. */
export const backupKindSchema = lazy(() => z.enum(['manual', 'scheduled', 'pre-migration', 'pre-restore']));
export type BackupKind = z.infer<typeof backupKindSchema>;

/** Rows of each table of the public schema, counted (count(*)) when the dump was taken. */
export const rowCountsSchema = lazy(() => z.record(z.string(), z.number().int().nonnegative()));
export type RowCounts = z.infer<typeof rowCountsSchema>;

/** A restore drill: the dump restored into a scratch database, its row counts compared with the recorded ones. */
export const drillResultSchema = lazy(() =>
  z.object({
    ok: z.boolean(),
    at: z.string(),
    seconds: z.number().nonnegative(),
    /** Tables whose count differs (recorded -> restored; -1 where a table is missing), or why the drill failed. */
    mismatches: z.array(z.string()).default([]),
    error: z.string().optional(),
  }),
);
export type DrillResult = z.infer<typeof drillResultSchema>;

/** The app's uploaded files (shared/storage, shared/public/uploads…), in a snapshot of their own taken in the same run. */
export const filesSnapshotSchema = lazy(() =>
  z.object({
    id: z.string(),
    /** Relative to the app's folder, e.g. shared/storage. */
    folders: z.array(z.string()),
    sizeBytes: z.number().int().nonnegative().optional(),
    addedBytes: z.number().int().nonnegative().optional(),
  }),
);
export type FilesSnapshot = z.infer<typeof filesSnapshotSchema>;

export const backupSnapshotSchema = lazy(() =>
  z.object({
    /** restic's snapshot id (full); `shortId` is what people type. */
    id: z.string(),
    shortId: z.string(),
    time: z.string(),
    kind: backupKindSchema,
    /** What the dump is: a SQLite database file; absent, a PostgreSQL custom-format dump (`pg_restore` reads it). */
    engine: z.literal('sqlite').optional(),
    /** The host name of the server that took it (restic's own field). */
    host: z.string().optional(),
    /** The dump's size, and what it added to the repository (after deduplication and compression). */
    sizeBytes: z.number().int().nonnegative().optional(),
    addedBytes: z.number().int().nonnegative().optional(),
    rows: rowCountsSchema.optional(),
    /** The last restore drill of this snapshot. */
    drill: drillResultSchema.optional(),
    /** The uploaded files backed up with this database dump. */
    files: filesSnapshotSchema.optional(),
    /** A pre-migration backup: the release whose migrations ran after it. */
    release: z.string().optional(),
  }),
);
export type BackupSnapshot = z.infer<typeof backupSnapshotSchema>;

/** The copy of a backup into the offsite repository (another server), right after it. */
export const offsiteCopySchema = lazy(() =>
  z.object({
    server: z.string(),
    ok: z.boolean(),
    at: z.string(),
    seconds: z.number().nonnegative(),
    error: z.string().optional(),
  }),
);
export type OffsiteCopy = z.infer<typeof offsiteCopySchema>;

/** POST /api/backups/:app */
export const backupResultSchema = lazy(() =>
  z.object({
    app: z.string(),
    ok: z.boolean(),
    snapshot: backupSnapshotSchema.optional(),
    /** Why it failed (the dump's or restic's own words, their last lines). */
    error: z.string().optional(),
    seconds: z.number().nonnegative(),
    /** The offsite copy, when the server has an offsite repository (a failed copy keeps the local backup). */
    offsite: offsiteCopySchema.optional(),
  }),
);
export type BackupResult = z.infer<typeof backupResultSchema>;

/** GET /api/backups/:app: oldest first, as restic lists them. */
export const backupListSchema = lazy(() => z.object({ app: z.string(), snapshots: z.array(backupSnapshotSchema) }));
export type BackupList = z.infer<typeof backupListSchema>;

/** POST /api/backups/:app/drill: the latest snapshot restored into a scratch database and checked. */
export const drillResponseSchema = lazy(() => z.object({ app: z.string(), snapshot: z.string(), drill: drillResultSchema }));
export type DrillResponse = z.infer<typeof drillResponseSchema>;

/** The ids people type or pick: restic's snapshot ids, hex, 8 (short) to 64 characters. */
export const snapshotIdSchema = lazy(() => z.string().regex(/^[0-9a-f]{8,64}$/, 'a restic snapshot id: 8 to 64 hex characters'));

/** POST /api/backups/:app/restore; `dryRun` changes nothing and answers what would be replaced (liveRows, snapshotRows). */
export const restoreRequestSchema = lazy(() => z.object({ snapshot: snapshotIdSchema, dryRun: z.boolean().optional() }));
export type RestoreRequest = z.infer<typeof restoreRequestSchema>;

/** What a restore did, step by step, and what it kept: nothing it replaced is deleted. */
export const restoreResultSchema = lazy(() =>
  z.object({
    app: z.string(),
    ok: z.boolean(),
    /** The snapshot restored (full id). */
    snapshot: z.string(),
    /** The backup taken just before, of what was live. */
    safety: backupSnapshotSchema.optional(),
    /** The replaced database, kept under this name (`<app>_before_restore_<time>`) until dropped by hand. */
    keptDatabase: z.string().optional(),
    /** The replaced uploads folder, kept beside the new one. */
    keptFiles: z.string().optional(),
    /** How long the app answered 503 (maintenance) while the database was swapped. */
    maintenanceSeconds: z.number().nonnegative().optional(),
    /** One line per step done, in order (what a person reads afterwards). */
    steps: z.array(z.string()).default([]),
    error: z.string().optional(),
    seconds: z.number().nonnegative(),
    /** What would be replaced, and by what (a dry run; also filled by a restore): the live tables' rows now, the snapshot's. */
    liveRows: rowCountsSchema.optional(),
    snapshotRows: rowCountsSchema.optional(),
    /** The live database still is the one from before: the restore was refused, failed before the swap, or swapped back. */
    unchanged: z.boolean().optional(),
  }),
);
export type RestoreResult = z.infer<typeof restoreResultSchema>;

/**
 * What a restore replaced and kept: a database (PostgreSQL by name, SQLite by its file relative to the
 * app's folder) or an upload folder (relative to the app's folder). Listed; removed only by an explicit command.
 */
export const keptDatabaseSchema = lazy(() =>
  z.object({
    name: z.string(),
    app: z.string(),
    sizeBytes: z.number().int().nonnegative().optional(),
    kind: z.enum(['database', 'files']).optional(),
  }),
);
export type KeptDatabase = z.infer<typeof keptDatabaseSchema>;

/**
 * An app's backups at a glance (status, doctor, the TUI overview, the dashboard):
 * `overdue` when the last good backup is older than the schedule plus a margin,
 * `failed` when the last backup or its drill failed, `none` when there is none yet.
 */
export const backupStateSchema = lazy(() => z.enum(['ok', 'overdue', 'failed', 'none']));
export type BackupState = z.infer<typeof backupStateSchema>;

export const appBackupStatusSchema = lazy(() =>
  z.object({
    app: z.string(),
    state: backupStateSchema,
    /** The last good backup. */
    last: backupSnapshotSchema.pick({ id: true, shortId: true, time: true, kind: true }).optional(),
    /** The last failed backup, when it came after the last good one. */
    failure: z.object({ at: z.string(), error: z.string() }).optional(),
    /** The last restore drill (of any snapshot of the app). */
    drill: drillResultSchema.optional(),
    /** The last offsite copy, when the server has an offsite repository. */
    offsite: offsiteCopySchema.optional(),
    /** One line for people: "backup 3h ago, drill ok" / "no backup for 2d (schedule: daily)". */
    message: z.string(),
  }),
);
export type AppBackupStatus = z.infer<typeof appBackupStatusSchema>;

/** GET /api/backups */
export const backupOverviewSchema = lazy(() =>
  z.object({
    /** The server's backup timer: its OnCalendar and next run, when provisioned. */
    schedule: z
      .object({
        onCalendar: z.string(),
        next: z.string().optional(),
        /** The age after which the last good backup counts as missed. */
        overdueAfterHours: z.number().positive().optional(),
      })
      .optional(),
    /** The last `restic check`; `subset` is the part of the data it read ("3/12"), a different one each week. */
    check: z.object({ at: z.string(), ok: z.boolean(), error: z.string().optional(), subset: z.string().optional() }).optional(),
    apps: z.array(appBackupStatusSchema),
  }),
);
export type BackupOverview = z.infer<typeof backupOverviewSchema>;

/** POST /api/backups/:app/fetch: an offsite snapshot copied into the server's own repository (a rebuilt server). */
export const fetchRequestSchema = lazy(() => z.object({ snapshot: snapshotIdSchema }));

/** GET /api/backups/:app/:snapshot/digest: what `hms backup pull` checks its download against. */
export const pullDigestSchema = lazy(() =>
  z.object({
    app: z.string(),
    snapshot: z.string(),
    sha256: z.string(),
    bytes: z.number().int().nonnegative(),
  }),
);
export type PullDigest = z.infer<typeof pullDigestSchema>;

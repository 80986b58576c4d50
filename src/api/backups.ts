/**
 * The /api/backups contract: an app's database backups in the server's restic
 * repository, taken on request and listed with what was recorded when each was taken.
 */
import { z } from 'zod';

export const backupKindSchema = z.enum(['manual', 'scheduled', 'pre-migration']);
export type BackupKind = z.infer<typeof backupKindSchema>;

/** Rows of each table of the public schema, counted (count(*)) when the dump was taken. */
export const rowCountsSchema = z.record(z.string(), z.number().int().nonnegative());
export type RowCounts = z.infer<typeof rowCountsSchema>;

/** A restore drill: the dump restored into a scratch database, its row counts compared with the recorded ones. */
export const drillResultSchema = z.object({
  ok: z.boolean(),
  at: z.string(),
  seconds: z.number().nonnegative(),
  /** Tables whose count differs (recorded -> restored; -1 where a table is missing), or why the drill failed. */
  mismatches: z.array(z.string()).default([]),
  error: z.string().optional(),
});
export type DrillResult = z.infer<typeof drillResultSchema>;

export const backupSnapshotSchema = z.object({
  /** restic's snapshot id (full); `shortId` is what people type. */
  id: z.string(),
  shortId: z.string(),
  time: z.string(),
  kind: backupKindSchema,
  /** The dump's size, and what it added to the repository (after deduplication and compression). */
  sizeBytes: z.number().int().nonnegative().optional(),
  addedBytes: z.number().int().nonnegative().optional(),
  rows: rowCountsSchema.optional(),
  /** The last restore drill of this snapshot. */
  drill: drillResultSchema.optional(),
});
export type BackupSnapshot = z.infer<typeof backupSnapshotSchema>;

/** POST /api/backups/:app */
export const backupResultSchema = z.object({
  app: z.string(),
  ok: z.boolean(),
  snapshot: backupSnapshotSchema.optional(),
  /** Why it failed (the dump's or restic's own words, their last lines). */
  error: z.string().optional(),
  seconds: z.number().nonnegative(),
});
export type BackupResult = z.infer<typeof backupResultSchema>;

/** GET /api/backups/:app: oldest first, as restic lists them. */
export const backupListSchema = z.object({ app: z.string(), snapshots: z.array(backupSnapshotSchema) });
export type BackupList = z.infer<typeof backupListSchema>;

/** POST /api/backups/:app/drill: the latest snapshot restored into a scratch database and checked. */
export const drillResponseSchema = z.object({ app: z.string(), snapshot: z.string(), drill: drillResultSchema });
export type DrillResponse = z.infer<typeof drillResponseSchema>;

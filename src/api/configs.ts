/**
 * The /api/configs contract: the nginx site files the agent may read and change
 * (the `nginx.sites` allow-list), their backups and diffs. Shared by the agent's
 * routes and the laptop client.
 *
 * Every `etag` here is the exact value of the HTTP `ETag` header: a strong,
 * quoted sha256 of the file's bytes (`"3f2a…"`). Send it back in `If-Match`.
 */
import { z } from 'zod';
import { lazy } from './lazy.js';

/** A backup's id: the ISO 8601 time it was taken, e.g. 2025-01-31T10:02:03.456Z. */
export const BACKUP_ID_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const backupIdSchema = lazy(() => z.string().regex(BACKUP_ID_PATTERN, 'must be a backup id such as 2025-01-31T10:02:03.456Z'));

export const siteSummarySchema = lazy(() =>
  z.object({
    name: z.string(),
    size: z.number().int().nonnegative(),
    /** Last modification (ISO 8601). */
    modified: z.string(),
    /** A link in sites-enabled points at this file. */
    enabled: z.boolean(),
    etag: z.string(),
  }),
);
export type SiteSummary = z.infer<typeof siteSummarySchema>;

/** An allow-listed site that cannot be served, and why (missing file, symlink out, ...). */
export const siteProblemSchema = lazy(() => z.object({ name: z.string(), problem: z.string() }));
export type SiteProblem = z.infer<typeof siteProblemSchema>;

/** GET /api/configs */
export const siteListSchema = lazy(() => z.object({ sites: z.array(siteSummarySchema), problems: z.array(siteProblemSchema) }));
export type SiteList = z.infer<typeof siteListSchema>;

/** GET /api/configs/:site (the same etag is in the ETag header) */
export const siteContentSchema = lazy(() => z.object({ name: z.string(), content: z.string(), etag: z.string() }));
export type SiteContent = z.infer<typeof siteContentSchema>;

const configText = z.string().refine((text) => !text.includes('\0'), 'must not contain NUL bytes');

/** PUT /api/configs/:site body; the `If-Match` header is required. */
export const updateSiteRequestSchema = lazy(() => z.strictObject({ content: configText }));
export type UpdateSiteRequest = z.infer<typeof updateSiteRequestSchema>;

/** POST /api/configs/:site/revert body; `If-Match` is optional. */
export const revertSiteRequestSchema = lazy(() => z.strictObject({ id: backupIdSchema }));
export type RevertSiteRequest = z.infer<typeof revertSiteRequestSchema>;

/** PUT and revert: the file is live and nginx reloaded (or nothing changed). */
export const siteChangeSchema = lazy(() =>
  z.object({
    name: z.string(),
    /** The new content's etag (also in the ETag header). */
    etag: z.string(),
    /** False when the content was already live: nothing written, nothing reloaded. */
    changed: z.boolean(),
    /** The backup of the previous content, null when nothing changed. */
    backupId: z.string().nullable(),
  }),
);
export type SiteChange = z.infer<typeof siteChangeSchema>;

export const backupSchema = lazy(() => z.object({ id: z.string(), size: z.number().int().nonnegative(), etag: z.string() }));
export type Backup = z.infer<typeof backupSchema>;

/** GET /api/configs/:site/history (newest first) */
export const siteHistorySchema = lazy(() => z.object({ name: z.string(), backups: z.array(backupSchema) }));
export type SiteHistory = z.infer<typeof siteHistorySchema>;

/** GET /api/configs/:site/history/:id */
export const backupContentSchema = lazy(() => z.object({ name: z.string(), id: z.string(), content: z.string(), etag: z.string() }));
export type BackupContent = z.infer<typeof backupContentSchema>;

/** GET /api/configs/:site/diff?against=<backup id>: unified diff from the backup to the live file. */
export const siteDiffSchema = lazy(() => z.object({ name: z.string(), against: z.string(), etag: z.string(), diff: z.string() }));
export type SiteDiff = z.infer<typeof siteDiffSchema>;

/**
 * `details` of the errors a change can end with:
 * 412 { etag } the current etag; 422 { stderr } nginx -t's own words;
 * 502 { stage, error, restored } the reload or health check failed after the swap.
 */
export const changeFailureSchema = lazy(() =>
  z.object({
    /** swap: the rename itself; reload: systemctl reload; health: the unit was not active after it. */
    stage: z.enum(['swap', 'reload', 'health']),
    error: z.string(),
    /** The previous file is live again and nginx was reloaded with it. */
    restored: z.boolean(),
  }),
);
export type ChangeFailure = z.infer<typeof changeFailureSchema>;

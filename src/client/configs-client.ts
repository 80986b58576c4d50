/**
 * /api/configs for the laptop: the allow-listed nginx sites, their backups and diffs,
 * and changes guarded by the ETag the change was made from (If-Match).
 */
import {
  backupContentSchema,
  siteChangeSchema,
  siteContentSchema,
  siteDiffSchema,
  siteHistorySchema,
  siteListSchema,
} from '../api/configs.js';
import type { ApiClient } from './api-client.js';

const sitePath = (site: string) => `/api/configs/${encodeURIComponent(site)}`;

export function listSites(client: ApiClient) {
  return client.call(siteListSchema, '/api/configs');
}

/** The live content and its etag: send that etag back to change it. */
export function getSite(client: ApiClient, site: string) {
  return client.call(siteContentSchema, sitePath(site));
}

/**
 * Puts `content` live (nginx -t, backup, swap, reload) only if the live file still
 * has `etag`. The agent answers 412 when it changed meanwhile, 422 with nginx's
 * words when nginx -t refuses, 423 while another change holds the lock.
 */
export function putSite(client: ApiClient, site: string, content: string, etag: string) {
  return client.call(siteChangeSchema, sitePath(site), { method: 'PUT', body: { content }, headers: { 'if-match': etag } });
}

/** Backups, newest first. */
export function siteHistory(client: ApiClient, site: string) {
  return client.call(siteHistorySchema, `${sitePath(site)}/history`);
}

export function siteBackup(client: ApiClient, site: string, id: string) {
  return client.call(backupContentSchema, `${sitePath(site)}/history/${encodeURIComponent(id)}`);
}

/** `diff -u` from backup `against` to the live file. */
export function siteDiff(client: ApiClient, site: string, against: string) {
  return client.call(siteDiffSchema, `${sitePath(site)}/diff?against=${encodeURIComponent(against)}`);
}

/** Puts backup `id` live, the same way as a change; with `etag`, only if the live file still has it. */
export function revertSite(client: ApiClient, site: string, id: string, etag?: string) {
  return client.call(siteChangeSchema, `${sitePath(site)}/revert`, { method: 'POST', body: { id }, headers: etag ? { 'if-match': etag } : {} });
}

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
import { apiPaths } from '../api/paths.js';
import type { ApiClient } from './api-client.js';

const paths = apiPaths.configs;

export function listSites(client: ApiClient) {
  return client.call(siteListSchema, paths.list());
}

/** The live content and its etag: send that etag back to change it. */
export function getSite(client: ApiClient, site: string) {
  return client.call(siteContentSchema, paths.site(site));
}

/**
 * Puts `content` live (nginx -t, backup, swap, reload) only if the live file still
 * has `etag`. The agent answers 412 when it changed meanwhile, 422 with nginx's
 * words when nginx -t refuses, 423 while another change holds the lock.
 */
export function putSite(client: ApiClient, site: string, content: string, etag: string) {
  return client.call(siteChangeSchema, paths.site(site), { method: 'PUT', body: { content }, headers: { 'if-match': etag } });
}

/** Backups, newest first. */
export function siteHistory(client: ApiClient, site: string) {
  return client.call(siteHistorySchema, paths.history(site));
}

export function siteBackup(client: ApiClient, site: string, id: string) {
  return client.call(backupContentSchema, paths.backup(site, id));
}

/** `diff -u` from backup `against` to the live file. */
export function siteDiff(client: ApiClient, site: string, against: string) {
  return client.call(siteDiffSchema, paths.diff(site, against));
}

/** Puts backup `id` live, the same way as a change; with `etag`, only if the live file still has it. */
export function revertSite(client: ApiClient, site: string, id: string, etag?: string) {
  return client.call(siteChangeSchema, paths.revert(site), { method: 'POST', body: { id }, headers: etag ? { 'if-match': etag } : {} });
}

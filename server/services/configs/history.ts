/** A site's backups: the list, one backup's content, and a diff from a backup to the live file. */
import type { BackupContent, SiteDiff, SiteHistory } from '../../../src/api/configs.js';
import { listBackups, readBackup } from './backups.js';
import { unifiedDiff } from '../../../src/core/diff.js';
import { readSite, resolveSite, type NginxConfig } from './sites.js';

interface SiteOptions {
  nginx: NginxConfig;
  stateDir: string;
  site: string;
}

export async function siteHistory(options: SiteOptions): Promise<SiteHistory> {
  const site = await resolveSite(options.nginx, options.site);
  return { name: site.name, backups: await listBackups({ stateDir: options.stateDir, site: site.name }) };
}

export async function siteBackup(options: SiteOptions & { id: string }): Promise<BackupContent> {
  const site = await resolveSite(options.nginx, options.site);
  const { bytes: _bytes, ...backup } = await readBackup({ stateDir: options.stateDir, site: site.name, id: options.id });
  return backup;
}

/** What changed from backup `against` to the live file, as `diff -u` prints it. */
export async function siteDiff(options: SiteOptions & { against: string }): Promise<SiteDiff> {
  const live = await readSite({ nginx: options.nginx, site: options.site });
  const backup = await readBackup({ stateDir: options.stateDir, site: live.name, id: options.against });
  const diff = unifiedDiff(backup.content, live.content, { old: `${live.name}@${backup.id}`, new: `${live.name} (live)` });
  return { name: live.name, against: backup.id, etag: live.etag, diff };
}

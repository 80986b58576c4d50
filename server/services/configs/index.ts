/**
 * configs = the nginx sites served at /api/configs: the allow-listed site files, a change
 * as a checked transaction (lint, sandboxed `nginx -t`, swap, reload), backups, recovery.
 */
export { revertSite, updateSite } from './change.js';
export { siteBackup, siteDiff, siteHistory } from './history.js';
export { recoverSites } from './recover.js';
export { listSites, readSite } from './sites.js';

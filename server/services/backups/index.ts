/**
 * backups = an app's database in the server's restic repository: a backup taken on
 * request (the dump streamed into restic, row counts recorded beside it, audited) and
 * the list of snapshots; a restore drill of the latest one; a restore of one snapshot
 * as the live database (the replaced one kept), and the kept databases; the timer's
 * scheduled run (backup, drill, retention for every app with a database) and the
 * repository check; the overview of every app's backups; the offsite copy.
 */
export { listBackups, runBackup } from './backup.js';
export { runCheck } from './check.js';
export { drillBackup } from './drill.js';
export { fetchOffsite, listOffsite } from './offsite.js';
export { backupOverview } from './overview.js';
export { runScheduledBackups } from './scheduled.js';
export { readStatusFile } from './status-file.js';
export { dropKept, listKept } from './kept.js';
export { findSnapshot, restoreBackup } from './restore.js';
export { preMigrationBackup } from './pre-migration.js';
export { rollbackWithDatabase } from './rollback-database.js';
export { dumpDigest, pullDump } from './pull.js';

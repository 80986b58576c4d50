/**
 * backups = an app's database in the server's restic repository: a backup taken on
 * request (the dump streamed into restic, row counts recorded beside it, audited) and
 * the list of snapshots; a restore drill of the latest one; a restore of one snapshot
 * as the live database (the replaced one kept), and the kept databases.
 */
export { listBackups, runBackup } from './backup.js';
export { drillBackup } from './drill.js';
export { dropKept, listKept } from './kept.js';
export { clearLeftMaintenance } from './maintenance.js';
export { findSnapshot, restoreBackup } from './restore.js';
export { preMigrationBackup } from './pre-migration.js';
export { rollbackWithDatabase } from './rollback-database.js';

/**
 * backups = an app's database in the server's restic repository: a backup taken on
 * request (the dump streamed into restic, row counts recorded beside it, audited) and
 * the list of snapshots; a restore drill of the latest one.
 */
export { listBackups, runBackup } from './backup.js';
export { drillBackup } from './drill.js';
export { readStatusFile } from './status-file.js';

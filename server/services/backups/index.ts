/**
 * backups = an app's database in the server's restic repository: a backup taken on
 * request (the dump streamed into restic, row counts recorded beside it, audited) and
 * the list of snapshots.
 */
export { listBackups, runBackup } from './backup.js';

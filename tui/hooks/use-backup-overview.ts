/**
 * The overview's BACKUP column: each server's backups at a glance (GET /api/backups),
 * read every 30 s; backups change on a schedule, not by the second. An agent without
 * that route (404: older than this hms) has no column (use-per-server.ts).
 */
import type { BackupOverview } from '../../src/api/backups.js';
import { backupOverview } from '../../src/client/backups-client.js';
import type { TuiSession } from '../session.js';
import { usePerServer } from './use-per-server.js';

export const BACKUP_OVERVIEW_MS = 30_000;

export function useBackupOverview(
  session: Pick<TuiSession, 'connections'>,
  servers: string[],
  intervalMs = BACKUP_OVERVIEW_MS,
): Record<string, BackupOverview | undefined> {
  return usePerServer(session, servers, backupOverview, intervalMs);
}

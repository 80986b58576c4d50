/**
 * The overview's BACKUP column: each server's backups at a glance (GET /api/backups),
 * read every 30 s; backups change on a schedule, not by the second. An agent without
 * that route (404: older than this hms) has no column; any other failure keeps the
 * last answer, since the overview's own poll already says when a server is unreachable.
 */
import { useEffect, useState } from 'react';
import type { BackupOverview } from '../../src/api/backups.js';
import { backupOverview } from '../../src/client/backups-client.js';
import { AgentError } from '../../src/client/http.js';
import type { TuiSession } from '../session.js';
import { useWake } from './use-wake.js';

export const BACKUP_OVERVIEW_MS = 30_000;
const REQUEST_TIMEOUT_MS = 10_000;

export function useBackupOverview(
  session: Pick<TuiSession, 'connections'>,
  servers: string[],
  intervalMs = BACKUP_OVERVIEW_MS,
): Record<string, BackupOverview | undefined> {
  const [overviews, setOverviews] = useState<Record<string, BackupOverview | undefined>>({});
  const { sleep } = useWake();
  const key = servers.join('\n');

  useEffect(() => {
    const stop = new AbortController();
    const poll = async (server: string): Promise<void> => {
      while (!stop.signal.aborted) {
        try {
          const { client } = await session.connections.get(server);
          const overview = await backupOverview(client, AbortSignal.any([stop.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]));
          if (!stop.signal.aborted) setOverviews((previous) => ({ ...previous, [server]: overview }));
        } catch (error) {
          if (!stop.signal.aborted && error instanceof AgentError && error.status === 404)
            setOverviews((previous) => ({ ...previous, [server]: undefined }));
        }
        await sleep(intervalMs, stop.signal);
      }
    };
    for (const server of servers) void poll(server);
    return () => stop.abort();
  }, [key, intervalMs]);

  return overviews;
}

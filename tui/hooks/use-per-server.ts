/**
 * Something small read from every server on a slow pace for the overview (its BACKUP
 * column, the header's incidents badge). An agent without that route (404: older than
 * this hms) has none; any other failure keeps the last answer, since the overview's own
 * poll already says when a server is unreachable.
 */
import { useEffect, useState } from 'react';
import type { ApiClient } from '../../src/client/api-client.js';
import { AgentError } from '../../src/client/http.js';
import type { TuiSession } from '../session.js';
import { useWake } from './use-wake.js';

const REQUEST_TIMEOUT_MS = 10_000;

export function usePerServer<T>(
  session: Pick<TuiSession, 'connections'>,
  servers: string[],
  read: (client: ApiClient, signal: AbortSignal) => Promise<T>,
  intervalMs: number,
): Record<string, T | undefined> {
  const [values, setValues] = useState<Record<string, T | undefined>>({});
  const { sleep } = useWake();
  const key = servers.join('\n');

  useEffect(() => {
    const stop = new AbortController();
    const poll = async (server: string): Promise<void> => {
      while (!stop.signal.aborted) {
        try {
          const { client } = await session.connections.get(server);
          const value = await read(client, AbortSignal.any([stop.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]));
          if (!stop.signal.aborted) setValues((previous) => ({ ...previous, [server]: value }));
        } catch (error) {
          if (!stop.signal.aborted && error instanceof AgentError && error.status === 404)
            setValues((previous) => ({ ...previous, [server]: undefined }));
        }
        await sleep(intervalMs, stop.signal);
      }
    };
    for (const server of servers) void poll(server);
    return () => stop.abort();
  }, [key, intervalMs]);

  return values;
}

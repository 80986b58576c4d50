/**
 * The overview's feed: every server's apps, polled every 2 s, more slowly (up to
 * 10 s) while nothing changes (tui/state/poll-pace.ts). A failed poll never
 * ends the loop: the server shows "reconnecting in Ns" and polling goes on with
 * backoff (2, 4, 8, then 10 s), so an agent restart or a network blip heals itself.
 */
import { useEffect, useState } from 'react';
import type { AppsResponse } from '../../src/api/apps.js';
import { appsContract } from '../../src/client/contracts.js';
import { apiPaths } from '../../src/api/paths.js';
import { backoffMs } from '../../src/client/retry.js';
import type { TuiSession } from '../session.js';
import { nextPollMs, snapshotFingerprint } from '../state/poll-pace.js';
import { errorNotice } from './use-notice.js';
import { useWake } from './use-wake.js';

export type LinkStatus = 'connecting' | 'connected' | 'reconnecting';

export interface ServerLink {
  server: string;
  status: LinkStatus;
  snapshot?: AppsResponse | undefined;
  /** The agent's version, from its last answer. */
  version?: string | undefined;
  /** When the last good answer came (ms since the epoch). */
  updatedAt?: number | undefined;
  error?: { text: string; hint?: string | undefined } | undefined;
  /** Failed polls in a row. */
  failures: number;
  retryAt?: number | undefined;
}

export const POLL_MS = 2000;
const REQUEST_TIMEOUT_MS = 10_000;

export function retryDelay(failures: number, intervalMs = POLL_MS): number {
  return Math.max(intervalMs, backoffMs(failures + 1));
}

function initialLink(session: Pick<TuiSession, 'connections'>, server: string): ServerLink {
  const snapshot = session.connections.arrivedApps?.(server);
  if (!snapshot) return { server, status: 'connecting', failures: 0 };
  return { server, status: 'connected', snapshot, version: snapshot.version, updatedAt: Date.now(), failures: 0 };
}

export function useApps(
  session: Pick<TuiSession, 'connections' | 'stats'>,
  servers: string[],
  intervalMs = POLL_MS,
): { links: ServerLink[]; refresh(): void } {
  // A prefetched answer already in is the first frame's data (ServerConnections.arrivedApps).
  const [links, setLinks] = useState<Record<string, ServerLink>>(() =>
    Object.fromEntries(servers.map((server) => [server, initialLink(session, server)])),
  );
  const { sleep, wake } = useWake();
  const key = servers.join('\n');

  useEffect(() => {
    const stop = new AbortController();
    const update = (server: string, patch: Partial<ServerLink>): void =>
      setLinks((previous) => ({
        ...previous,
        [server]: { ...(previous[server] ?? { server, status: 'connecting', failures: 0 }), ...patch },
      }));
    const poll = async (server: string): Promise<void> => {
      let failures = 0;
      let pause = intervalMs;
      let seen = '';
      const shown = links[server]?.snapshot;
      if (shown && session.connections.firstApps?.(server)) {
        // Drawn from the start with the prefetched answer: the next poll comes after the usual pause.
        session.stats.data();
        seen = snapshotFingerprint(shown);
        await sleep(pause, stop.signal);
      }
      while (!stop.signal.aborted) {
        try {
          // The first answer may already be on its way (asked while the TUI loaded: ServerConnections.prefetch).
          const early = session.connections.firstApps?.(server);
          const { client } = await session.connections.get(server);
          const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
          const snapshot = await (early ?? client.call(appsContract, apiPaths.apps.list(), { signal }));
          if (stop.signal.aborted) return;
          failures = 0;
          session.stats.data();
          update(server, {
            status: 'connected',
            snapshot,
            version: snapshot.version,
            updatedAt: Date.now(),
            error: undefined,
            failures,
            retryAt: undefined,
          });
          const fingerprint = snapshotFingerprint(snapshot);
          pause = nextPollMs(pause, fingerprint !== seen, intervalMs);
          seen = fingerprint;
          await sleep(pause, stop.signal);
        } catch (error) {
          if (stop.signal.aborted) return;
          failures += 1;
          const delay = retryDelay(failures, intervalMs);
          pause = intervalMs;
          seen = '';
          update(server, { status: 'reconnecting', error: errorNotice(error), failures, retryAt: Date.now() + delay });
          await sleep(delay, stop.signal);
        }
      }
    };
    for (const server of servers) void poll(server);
    return () => stop.abort();
  }, [key, intervalMs]);

  return { links: servers.map((server) => links[server] ?? { server, status: 'connecting', failures: 0 }), refresh: wake };
}

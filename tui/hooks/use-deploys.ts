/**
 * The deploys screen's feed for the current server: each app's deploy lock, the
 * open app's releases (both read again every few seconds while shown), and
 * rollback, lock and unlock, whose outcome the app's view shows (a rollback's
 * migration warnings included).
 */
import { useCallback, useState } from 'react';
import type { DeployLock, ReleaseSummary } from '../../src/api/deploys.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { listReleases, lock, lockStatus, rollback, unlock } from '../../src/client/deploys-client.js';
import { lockLine, rollbackSummary, unlockedLine } from '../../src/core/deploy-render.js';
import type { TuiSession } from '../session.js';
import { errorNotice, type Notify } from './use-notice.js';
import { usePoll } from './use-poll.js';

export const DEPLOYS_POLL_MS = 5000;

export interface DeployResult {
  app: string;
  ok: boolean;
  lines: string[];
}

export type DeployChange =
  | { kind: 'rollback'; server: string; app: string; release: string }
  | { kind: 'lock'; server: string; app: string; reason: string }
  | { kind: 'unlock'; server: string; app: string };

export interface Deploys {
  locks: Record<string, DeployLock | null>;
  /** The open app's releases, newest first. */
  releases?: ReleaseSummary[] | undefined;
  error?: string | undefined;
  /** What runs now (`rolling back cigar to 20260101000000…`). */
  busy?: string | undefined;
  /** What the last rollback, lock or unlock said. */
  result?: DeployResult | undefined;
  change(change: DeployChange): Promise<void>;
  refresh(): void;
}

export function useDeploys(
  session: Pick<TuiSession, 'connections'>,
  client: ApiClient | undefined,
  apps: string[],
  focus: string | undefined,
  active: boolean,
  notify: Notify,
  onDone: () => void,
): Deploys {
  const [busy, setBusy] = useState<string>();
  const [result, setResult] = useState<DeployResult>();
  const read =
    client && active
      ? async () => {
          const statuses = await Promise.all(apps.map((app) => lockStatus(client, app)));
          return {
            locks: Object.fromEntries(statuses.map((status) => [status.app, status.lock])),
            focus,
            releases: focus ? await listReleases(client, focus) : undefined,
          };
        }
      : undefined;
  const polled = usePoll(read, [client, apps.join('\n'), focus], DEPLOYS_POLL_MS);
  const wake = polled.refresh;

  const change = useCallback(
    async (request: DeployChange) => {
      const { app, server } = request;
      setBusy(request.kind === 'rollback' ? `rolling ${app} back to ${request.release}…` : `${request.kind}ing ${app}…`);
      try {
        const { client: target } = await session.connections.get(server);
        const done = await apply(target, request);
        setResult(done);
        notify(done.ok ? 'ok' : 'error', done.lines.at(-1) ?? '');
      } catch (e) {
        const { text, hint } = errorNotice(e);
        setResult({ app, ok: false, lines: [text, ...(hint ? [hint] : [])] });
        notify('error', text, hint);
      } finally {
        setBusy(undefined);
        wake();
        onDone();
      }
    },
    [session, notify, onDone, wake],
  );

  const releases = polled.value?.focus === focus ? polled.value?.releases : undefined;
  return { locks: polled.value?.locks ?? {}, releases, error: polled.error, busy, result, change, refresh: wake };
}

async function apply(client: ApiClient, request: DeployChange): Promise<DeployResult> {
  const { app } = request;
  if (request.kind === 'rollback') {
    const done = await rollback(client, app, { release: request.release });
    return { app, ok: done.ok, lines: [...rollbackSummary(done).split('\n'), ...(done.ok || !done.hint ? [] : [done.hint])] };
  }
  if (request.kind === 'lock') return { app, ok: true, lines: [lockLine(app, (await lock(client, app, request.reason)).lock)] };
  const was = (await unlock(client, app)).lock;
  return { app, ok: true, lines: [unlockedLine(app, was)] };
}

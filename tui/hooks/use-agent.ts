/**
 * The agent screen's feed: the current server's agent releases (read again every
 * few seconds while shown), this hms's own agent build, and one self-update at a
 * time through src/client/agent-update.ts, its progress as lines. While the agent
 * restarts, requests fail: the update waits it out, the other feeds reconnect.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AgentReleases } from '../../src/api/agent.js';
import type { ApiClient } from '../../src/client/api-client.js';
import type { AgentBundle } from '../../src/client/agent-bundle.js';
import type { TuiSession } from '../session.js';
import { errorNotice, type Notify } from './use-notice.js';
import { usePoll } from './use-poll.js';

export const AGENT_POLL_MS = 3000;

// Loaded when the agent screen first needs them, not with the control center: with src/api/agent.ts
// they bring node:crypto, ~6 ms of the start for a screen most runs never open.
const agentClient = () => import('../../src/client/agent-client.js');
const agentUpdate = () => import('../../src/client/agent-update.js');
const readAgentBundle = async (): Promise<AgentBundle> => (await import('../../src/client/agent-bundle.js')).readAgentBundle();

export interface AgentUpdateView {
  server: string;
  lines: string[];
  running: boolean;
  /** How it ended: ok (the release runs), or not (rolled back, failed, no answer). */
  outcome?: { ok: boolean; lines: string[] } | undefined;
}

export type AgentChange = { kind: 'agent-update'; server: string } | { kind: 'agent-restore'; server: string; release: string };

export interface AgentFeed {
  info?: AgentReleases | undefined;
  error?: string | undefined;
  /** The release id of this hms's agent build, or why there is none. */
  bundle?: { release: string } | { error: string } | undefined;
  update?: AgentUpdateView | undefined;
  start(change: AgentChange): void;
}

export function useAgent(
  session: Pick<TuiSession, 'connections'>,
  client: ApiClient | undefined,
  active: boolean,
  notify: Notify,
  onDone: () => void,
): AgentFeed {
  const [bundle, setBundle] = useState<AgentFeed['bundle']>();
  const [update, setUpdate] = useState<AgentUpdateView>();
  const running = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => running.current?.abort(), []);

  useEffect(() => {
    if (!active || bundle) return;
    readAgentBundle().then(
      (read) => setBundle({ release: read.release }),
      (e: unknown) => setBundle({ error: errorNotice(e).text }),
    );
  }, [active, bundle]);

  const polled = usePoll(
    client && active ? async (signal) => (await agentClient()).agentReleases(client, signal) : undefined,
    [client],
    AGENT_POLL_MS,
  );
  const wake = polled.refresh;

  const start = useCallback(
    (change: AgentChange) => {
      if (running.current) {
        notify('warn', 'An agent update is running already; wait for its outcome.');
        return;
      }
      const stop = new AbortController();
      running.current = stop;
      const { server } = change;
      setUpdate({ server, lines: [], running: true });
      const add = (line: string): void => setUpdate((u) => u && { ...u, lines: [...u.lines, line] });
      void (async () => {
        try {
          const { client: target } = await session.connections.get(server);
          const { updateAgent, updateOutcome, updateProgressLine } = await agentUpdate();
          const source: { bundle: AgentBundle } | { release: string } =
            change.kind === 'agent-update' ? { bundle: await readAgentBundle() } : { release: change.release };
          const result = await updateAgent({
            client: target,
            source,
            signal: stop.signal,
            onProgress: (progress) => add(updateProgressLine(server, progress)),
          });
          const outcome = updateOutcome(server, result);
          const lines = outcome.text.split('\n').filter(Boolean);
          setUpdate((u) => u && { ...u, outcome: { ok: outcome.ok, lines } });
          notify(outcome.ok ? 'ok' : 'error', lines[0]!);
        } catch (e) {
          if (stop.signal.aborted) return;
          const { text, hint } = errorNotice(e);
          setUpdate((u) => u && { ...u, outcome: { ok: false, lines: [text, ...(hint ? [hint] : [])] } });
          notify('error', text, hint);
        } finally {
          running.current = undefined;
          setUpdate((u) => u && { ...u, running: false });
          wake();
          onDone();
        }
      })();
    },
    [session, notify, onDone, wake],
  );

  return { info: polled.value, error: polled.error, bundle, update, start };
}

/**
 * Incidents in the TUI: each server's open ones counted for the header's badge (GET
 * /api/alerts every 10 s, the overview's slowest pace: incidents open and resolve over
 * minutes), and the current server's whole overview every 5 s while the incidents screen
 * is open, with its actions (mute, unmute, a test to every channel). An agent without
 * /api/alerts (404: older than this hms) has no badge, and the screen says to update it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AlertsResponse, AlertTestResponse } from '../../src/api/alerts.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { listAlerts, muteAlerts, testAlerts, unmuteAlerts } from '../../src/client/alerts-client.js';
import { AgentError } from '../../src/client/http.js';
import { formatMinutes, formatUntil, incidentCounts, testOutcome, type IncidentCounts } from '../../src/core/incident-format.js';
import type { TuiSession } from '../session.js';
import type { AlertAction } from '../state/guard.js';
import { errorNotice, type Notify } from './use-notice.js';
import { usePoll } from './use-poll.js';
import { usePerServer } from './use-per-server.js';

export const ALERT_BADGE_MS = 10_000;
export const ALERTS_SCREEN_MS = 5_000;
export const UPDATE_AGENT = 'update the agent (hms update-hosting-api)';

const missingRoute = (error: unknown) => error instanceof AgentError && error.status === 404;

/** Each server's open incidents; undefined until its first answer, and for an agent without /api/alerts. */
export function useAlertBadges(
  session: Pick<TuiSession, 'connections'>,
  servers: string[],
  intervalMs = ALERT_BADGE_MS,
): Record<string, IncidentCounts | undefined> {
  return usePerServer(session, servers, readCounts, intervalMs);
}

const readCounts = async (client: ApiClient, signal: AbortSignal): Promise<IncidentCounts> =>
  incidentCounts((await listAlerts(client, signal)).incidents);

/** What the last test or action said, shown under the channels. */
export interface AlertOutcome {
  ok: boolean;
  lines: string[];
}

export interface Alerts {
  value?: AlertsResponse | undefined;
  /** The agent has no /api/alerts: it is older than this hms. */
  missing: boolean;
  error?: string | undefined;
  busy: boolean;
  outcome?: AlertOutcome | undefined;
  refresh(): void;
  run(action: AlertAction): void;
}

export function useAlerts(client: ApiClient | undefined, active: boolean, notify: Notify, intervalMs = ALERTS_SCREEN_MS): Alerts {
  // Each answer names its server: after a switch, the last server's incidents are not shown (nor acted on) as this one's.
  const read = async (): Promise<{ server: string; alerts: AlertsResponse | 'missing' }> => {
    try {
      return { server: client!.server, alerts: await listAlerts(client!) };
    } catch (error) {
      if (missingRoute(error)) return { server: client!.server, alerts: 'missing' };
      throw error;
    }
  };
  const polled = usePoll(client && active ? read : undefined, [client], intervalMs);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<AlertOutcome>();
  const running = useRef(false);
  useEffect(() => setOutcome(undefined), [client]);
  const { refresh } = polled;
  const run = useCallback(
    (action: AlertAction) => {
      if (!client || client.server !== action.server) return void notify('warn', `Not connected to ${action.server} yet: try again.`);
      if (running.current) return void notify('warn', 'Wait for the last alerts action to end.');
      running.current = true;
      setBusy(true);
      void (async () => {
        try {
          if (action.kind === 'alert-test') {
            notify('info', `Sending a test alert to every channel of ${action.server}…`);
            const result = await testAlerts(client);
            setOutcome(testLines(result));
            notify(result.deliveries.every((d) => d.state === 'sent') ? 'ok' : 'error', testOutcome(result));
          } else if (action.kind === 'mute') {
            const { mute } = await muteAlerts(client, action.target, action.minutes);
            const how = `for ${formatMinutes(action.minutes)} (${formatUntil(mute.until)})`;
            notify('ok', `${action.target} muted on ${action.server} ${how}: its incidents are listed, not sent.`);
          } else {
            const { removed } = await unmuteAlerts(client, action.target);
            if (removed) notify('ok', `${action.target} unmuted on ${action.server}: its alerts are sent again.`);
            else notify('info', `${action.target} was not muted on ${action.server}.`);
          }
        } catch (error) {
          const { text, hint } = errorNotice(error);
          const what = action.kind === 'alert-test' ? 'The test was not sent' : `${action.target} was not ${action.kind}d`;
          notify('error', `${what}: ${text}`, missingRoute(error) ? UPDATE_AGENT : hint);
          if (action.kind === 'alert-test') setOutcome({ ok: false, lines: [`✗ ${text}`] });
        } finally {
          running.current = false;
          setBusy(false);
          refresh();
        }
      })();
    },
    [client, notify, refresh],
  );
  const answer = polled.value?.server === client?.server ? polled.value?.alerts : undefined;
  const value = answer === 'missing' ? undefined : answer;
  return { value, missing: answer === 'missing', error: polled.error, busy, outcome, refresh, run };
}

/** One line a channel: `✓ ops-hook sent`, `✗ mail-ops: connect refused (retried with backoff)`. */
function testLines(result: AlertTestResponse): AlertOutcome {
  if (result.deliveries.length === 0) return { ok: false, lines: [testOutcome(result)] };
  const lines = result.deliveries.map((d) =>
    d.state === 'sent' ? `✓ ${d.channel} sent` : `✗ ${d.channel}: ${d.lastError ?? 'no answer'} (retried with backoff)`,
  );
  return { ok: result.deliveries.every((d) => d.state === 'sent'), lines };
}

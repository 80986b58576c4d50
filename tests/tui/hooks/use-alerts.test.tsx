/**
 * The incidents hooks against /api/alerts on a real loopback server (tests/support/alerts-api.ts,
 * answered from MemoryAlerts: an in-memory AlertsService written for the views' tests, not the
 * watcher, which is tested in its own suite and end to end) and the laptop's real ApiClient:
 * the header's counts per server, an older agent (404) without a badge and with the screen's
 * hint, and the screen's actions (mute, unmute, a test with one channel failing).
 */
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/client/api-client.js';
import { useAlertBadges, useAlerts } from '../../../tui/hooks/use-alerts.js';
import type { TuiSession } from '../../../tui/session.js';
import type { AlertAction } from '../../../tui/state/guard.js';
import { channel, incident } from '../../support/alerts.js';
import { serveAlertsApi, type AlertsApi } from '../../support/alerts-api.js';
import { MemoryAlerts } from '../../support/memory-alerts.js';
import { waitFor } from '../../support/wait-for.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function served(alerts: MemoryAlerts | 'older'): Promise<AlertsApi> {
  const api = await serveAlertsApi(alerts);
  cleanups.push(() => api.close());
  return api;
}

/** The part of a session the badge hook uses: each server's client. */
const sessionOf = (clients: Record<string, ApiClient>) =>
  ({ connections: { get: async (server: string) => ({ client: clients[server]! }) } }) as unknown as Pick<TuiSession, 'connections'>;

function BadgeProbe({ session, servers }: { session: Pick<TuiSession, 'connections'>; servers: string[] }) {
  const counts = useAlertBadges(session, servers, 50);
  return <Text>{servers.map((s) => `${s}=${counts[s] ? JSON.stringify(counts[s]) : '-'}`).join('\n')}</Text>;
}

describe('the incidents badge feed', () => {
  it(
    'Given prod with a critical, a warning muted and a resolved incident, and an older agent on legacy, When polled, ' +
      'Then prod counts 1 open, 1 critical, 1 muted, legacy has none; once fixed, prod counts 0',
    async () => {
      const alerts = new MemoryAlerts({
        incidents: [
          incident(),
          incident({ rule: 'disk', subject: '/var', app: null, severity: 'warning', muted: true }),
          incident({ subject: 'old.service', resolvedMinutesAgo: 3 }),
        ],
      });
      const prod = await served(alerts);
      const legacy = await served('older');
      const session = sessionOf({ prod: prod.client('prod'), legacy: legacy.client('legacy') });
      const app = render(<BadgeProbe session={session} servers={['prod', 'legacy']} />);
      cleanups.push(() => app.unmount());
      const frame = () => app.lastFrame() ?? '';
      await waitFor(() => frame().includes('prod={'), frame);
      expect(frame()).toContain('prod={"open":1,"critical":1,"muted":1}');
      await waitFor(
        () => legacy.requests.length > 0,
        () => legacy.requests.join('\n'),
      );
      expect(frame()).toContain('legacy=-');
      alerts.state.incidents = alerts.state.incidents.map((i) => ({ ...i, resolvedAt: i.resolvedAt ?? new Date().toISOString() }));
      await waitFor(() => frame().includes('prod={"open":0,"critical":0,"muted":0}'), frame);
    },
  );
});

function ScreenProbe({ client, actions, notices }: { client: ApiClient; actions: AlertAction[]; notices: string[] }) {
  const alerts = useAlerts(client, true, (level, text, hint) => notices.push(`${level}: ${text}${hint ? ` (${hint})` : ''}`), 50);
  if (alerts.value && !alerts.busy && actions.length > 0) {
    const next = actions.shift()!;
    queueMicrotask(() => alerts.run(next));
  }
  const lines = [
    `missing=${alerts.missing}`,
    `mutes=${alerts.value?.mutes.map((m) => `${m.target} by ${m.by}`).join(',') ?? '-'}`,
    `busy=${alerts.busy}`,
    ...(alerts.outcome?.lines ?? []),
  ];
  return <Text>{lines.join('\n')}</Text>;
}

describe('the incidents screen feed', () => {
  it('Given an agent older than this hms (404), When the screen polls, Then it is marked missing, not failing', async () => {
    const legacy = await served('older');
    const notices: string[] = [];
    const app = render(<ScreenProbe client={legacy.client()} actions={[]} notices={notices} />);
    cleanups.push(() => app.unmount());
    const frame = () => app.lastFrame() ?? '';
    await waitFor(() => frame().includes('missing=true'), frame);
    expect(notices).toEqual([]);
  });

  it(
    'Given cigar with an incident, When muted for 2h, then unmuted, ' +
      'Then the agent gets both with the laptop actor, the list follows, and each is said in the status line',
    async () => {
      const alerts = new MemoryAlerts({ incidents: [incident()] });
      const prod = await served(alerts);
      const notices: string[] = [];
      const actions: AlertAction[] = [
        { kind: 'mute', server: 'prod', target: 'cigar', minutes: 120 },
        { kind: 'unmute', server: 'prod', target: 'cigar' },
        { kind: 'unmute', server: 'prod', target: 'cigar' },
      ];
      const app = render(<ScreenProbe client={prod.client()} actions={actions} notices={notices} />);
      cleanups.push(() => app.unmount());
      await waitFor(
        () => notices.length === 3,
        () => notices.join('\n'),
      );
      expect(alerts.calls).toEqual([
        { op: 'mute', actor: 'alice@laptop', target: 'cigar', minutes: 120 },
        { op: 'unmute', actor: 'alice@laptop', target: 'cigar' },
        { op: 'unmute', actor: 'alice@laptop', target: 'cigar' },
      ]);
      expect(notices[0]).toMatch(/^ok: cigar muted on prod for 2h \(until .+ UTC\): its incidents are listed, not sent\.$/);
      expect(notices[1]).toBe('ok: cigar unmuted on prod: its alerts are sent again.');
      expect(notices[2]).toBe('info: cigar was not muted on prod.');
      expect(prod.requests).toEqual(expect.arrayContaining(['POST /api/alerts/mutes', 'DELETE /api/alerts/mutes/cigar']));
    },
  );

  it(
    'Given a webhook and a mail channel that is down, When a test goes to every channel, ' +
      'Then each channel has its line (the failed one with its error) and the status line says it failed',
    async () => {
      const alerts = new MemoryAlerts({ channels: [channel(), channel({ name: 'mail-ops', type: 'email' })] });
      alerts.failing.set('mail-ops', 'connect ECONNREFUSED 10.0.0.5:587');
      const prod = await served(alerts);
      const notices: string[] = [];
      const app = render(<ScreenProbe client={prod.client()} actions={[{ kind: 'alert-test', server: 'prod' }]} notices={notices} />);
      cleanups.push(() => app.unmount());
      const frame = () => app.lastFrame() ?? '';
      await waitFor(() => frame().includes('✗ mail-ops'), frame);
      expect(frame()).toContain('✓ ops-hook sent');
      expect(frame()).toContain('✗ mail-ops: connect ECONNREFUSED 10.0.0.5:587 (retried with backoff)');
      expect(alerts.calls).toEqual([{ op: 'test', actor: 'alice@laptop', channel: undefined }]);
      await waitFor(
        () => notices.length === 2,
        () => notices.join('\n'),
      );
      expect(notices[1]).toBe('error: Test sent to ops-hook. mail-ops failed: connect ECONNREFUSED 10.0.0.5:587 (retried with backoff).');
    },
  );

  it('Given a target the agent refuses, When muted, Then the status line says it was not muted and why', async () => {
    const alerts = new MemoryAlerts({ incidents: [incident()] });
    const prod = await served(alerts);
    const notices: string[] = [];
    const actions: AlertAction[] = [{ kind: 'mute', server: 'prod', target: 'nope', minutes: 30 }];
    const app = render(<ScreenProbe client={prod.client()} actions={actions} notices={notices} />);
    cleanups.push(() => app.unmount());
    await waitFor(
      () => notices.length === 1,
      () => notices.join('\n'),
    );
    expect(notices[0]).toMatch(/^error: nope was not muted: prod: Unknown rule or app "nope"\. \(Rules: unit, .*apps: cigar, tobacco\.\)$/);
    expect(alerts.calls).toEqual([]);
  });

  it('Given an action meant for another server than the one connected, When run, Then nothing is sent and it says so', async () => {
    const alerts = new MemoryAlerts({ incidents: [incident()] });
    const prod = await served(alerts);
    const notices: string[] = [];
    const actions: AlertAction[] = [{ kind: 'mute', server: 'staging', target: 'cigar', minutes: 30 }];
    const app = render(<ScreenProbe client={prod.client('prod')} actions={actions} notices={notices} />);
    cleanups.push(() => app.unmount());
    await waitFor(
      () => notices.length === 1,
      () => notices.join('\n'),
    );
    expect(notices).toEqual(['warn: Not connected to staging yet: try again.']);
    expect(alerts.calls).toEqual([]);
  });
});

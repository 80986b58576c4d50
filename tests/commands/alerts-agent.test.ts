/**
 * `hms alerts` and `hms doctor` against a real agent with its real incidents watcher
 * (server/services/alerts): the routes, the mutes, the outbox and the audit log are the
 * agent's own; a webhook receiver on loopback checks every signature, and a Slack channel
 * points at a port where nothing listens. systemd cannot run here, so the watcher's unit
 * facts are fed (cigar.service failed), as the watcher's own suites feed them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FactSources, startAlerts, type AlertsEngine } from '../../server/services/alerts/index.js';
import { alertsCommand } from '../../src/commands/alerts.js';
import { doctorCommand } from '../../src/commands/doctor.js';
import { type Receiver, receiver } from '../server/services/alerts/receiver.js';
import { servedAgent, type ServedAgent } from '../support/served-agent.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'whsec_cli_0123456789abcdef0123456789abcdef';
const RED = '\u001b[31m';

const facts: Partial<FactSources> = {
  watched: () => [{ name: 'cigar', unit: 'cigar.service', app: 'cigar' }],
  units: async (watched) => watched.map((w) => ({ ...w, result: 'exit-code', activeState: 'failed', subState: 'failed', restarts: 0 })),
  probed: () => [],
  traffic: async () => [],
  disks: async () => [{ path: '/var', paths: ['/var'], usedPercent: 40 }],
  memory: async () => ({ availablePercent: 50, pressureSome60: null }),
  certificates: async () => [],
  backups: async () => [],
};

let rx: Receiver;
let served: ServedAgent;
let engine: AlertsEngine;
beforeAll(async () => {
  rx = await receiver(SECRET);
  const down = await receiver(SECRET);
  await down.stop();
  served = await servedAgent({
    config: {
      apps: { cigar: { unit: 'cigar.service', root: '/var/www/cigar' } },
      alerts: {
        server: 'web1',
        intervalSeconds: 1,
        channels: { ops: { type: 'webhook', url: `${rx.url}/hook` }, chat: { type: 'slack', url: `${down.url}/slack` } },
      },
    },
  });
  served.agent.deps.secrets.alertChannels = { ops: { secret: SECRET } };
  engine = await startAlerts(served.agent.deps, { facts, log: () => undefined, confirmStopMs: 0 });
  served.agent.deps.alerts = engine;
  // Until the outbox has noted the webhook's delivery sent and the Slack channel's first failure (not only the receiver's copy).
  let channels: unknown[] = [];
  const settled = async () => {
    const now = (await engine.overview()).channels;
    channels = now;
    return Boolean(now.find((c) => c.name === 'ops')?.lastDeliveredAt && now.find((c) => c.name === 'chat')?.lastError);
  };
  await waitFor(settled, () => `not settled: ${JSON.stringify(channels)}`, 15_000);
});
afterAll(async () => {
  engine?.stop();
  await served?.dispose();
  await rx?.stop();
});

const run = (args: string[], flags = {}, env = {}) => alertsCommand.run(served.context({ args, flags, env }));

describe('hms alerts with the real watcher', () => {
  it(
    'Given a failed unit, When listed, Then its incident is open and critical (red), the webhook delivered it signed, ' +
      'the Slack channel shows its error in red, exit 1',
    async () => {
      expect(rx.received[0]!.signed).toBe(true);
      const output = await run([], {}, { FORCE_COLOR: '1' });
      expect(output.exitCode).toBe(1);
      expect(output.human).toMatch(/^test: 1 open incident, checked \d+s ago$/m);
      expect(output.human).toMatch(/^\u001b\[31mcritical\u001b\[39m\s+unit\s+cigar\.service\s+cigar\.service failed.*\s+open\s+–$/m);
      expect(output.human).toMatch(/^ops\s+webhook\s+http:\/\/127\.0\.0\.1:\d+\s+0\s+\d+s ago$/m);
      expect(output.human).toMatch(
        new RegExp(`^chat\\s+slack\\s+http://127\\.0\\.0\\.1:\\d+\\s+\\d+\\s+–\\s+${RED.replace('[', '\\[')}.*refused`, 'm'),
      );
      expect(output.human).toMatch(/\d+s ago\s+ops\s+opened\s+\[hms web1\] OPENED cigar\.service failed.*\s+sent \d+s ago$/m);
    },
  );

  it('Given a receiver up and a channel down, When tested, Then ops is sent, chat shows its error, retried; exit 1, audited', async () => {
    const before = rx.received.length;
    const output = await run(['test']);
    expect(output.exitCode).toBe(1);
    expect(output.human).toMatch(/^ {2}ops: sent$/m);
    expect(output.human).toMatch(/^ {2}chat: ✗ .*refused.* \(kept, and retried with backoff\)$/m);
    expect(rx.received.length).toBe(before + 1);
    expect(JSON.parse(rx.received.at(-1)!.body)).toMatchObject({ event: 'test', server: 'web1', incident: null });
    const { client, close } = await served.connect();
    try {
      expect((await client.audit(10)).entries.find((e) => e.action === 'alerts.test')).toMatchObject({ target: 'all', result: 'failed' });
    } finally {
      await close();
    }
  });

  it('Given the app muted for 2h, When listed, Then the incident is muted, the mute shown with time left; unmute lifts it', async () => {
    expect((await run(['mute', 'cigar'], { for: '2h' })).human).toMatch(/^test: cigar muted for 2h, until \S+Z$/);
    const listed = await run([]);
    expect(listed.human).toMatch(/^critical\s+unit\s+cigar\.service\s+.*\s+open\s+muted$/m);
    expect(listed.human).toMatch(/^cigar\s+\S+Z\s+(1h59m|2h0m) left\s+\S+/m);
    expect((await run(['unmute', 'cigar'])).human).toBe('test: cigar unmuted');
    expect((await run(['unmute', 'cigar'])).human).toBe('test: cigar was not muted');
    expect((await run([])).human).not.toContain('Mutes');
  });

  it('Given an unknown target or channel, When muted or tested, Then the agent refuses it and nothing is muted', async () => {
    await expect(run(['mute', 'nosuch'], { for: '1h' })).rejects.toThrow(/nosuch/);
    await expect(run(['test', 'pager'])).rejects.toThrow(/pager/);
    expect((await run([])).human).not.toContain('Mutes');
  });

  it('Given the open incident, When diagnosed, Then doctor lists it with severity, title and since, and warns of the channel', async () => {
    const output = await doctorCommand.run(served.context());
    expect(output.exitCode).toBe(1);
    expect(output.human).toMatch(/^ {2}✗ incident unit cigar\.service\s+critical: cigar\.service failed.*, since \d+s ago$/m);
    expect(output.human).toMatch(/^ {2}! alert channel chat\s+\d+ queued; .*refused/m);
  });
});

/**
 * `hms alerts` against the /api/alerts contract served on loopback (tests/support/alerts-agent.ts):
 * the command's own connection, token, JSON and exit codes are the real ones; a test send really
 * reaches a webhook receiver that checks the signature, or a port where nothing listens.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertsCommand } from '../../src/commands/alerts.js';
import type { Config } from '../../src/config/schema.js';
import { type AlertsAgent, alertsAgent, alertsConfig, alertsContext, sampleAlerts } from '../support/alerts-agent.js';

const RED = '\u001b[31m';
const YELLOW = '\u001b[33m';
const SECRET = 'receiver-signing-key-0123456789abcdef';

/** A webhook receiver that answers 204 to a payload signed with SECRET and 401 to any other. */
let receiver: Server;
let receiverUrl: string;
const received: Array<{ valid: boolean; body: string }> = [];
/** A port where nothing listens: a receiver that is down. */
let downUrl: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const expected = `sha256=${createHmac('sha256', SECRET).update(`${req.headers['x-hms-timestamp']}.${body}`).digest('hex')}`;
      const given = String(req.headers['x-hms-signature'] ?? '');
      const valid = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      received.push({ valid, body });
      res.writeHead(valid ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  downUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/hook`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

let agent: AlertsAgent;
let config: Config;
beforeEach(async () => {
  agent = await alertsAgent(sampleAlerts(12));
  agent.webhooks = { ops: { url: receiverUrl, secret: SECRET }, chat: { url: downUrl, secret: SECRET } };
  config = alertsConfig({ web1: agent.url }, { cigar: 'web1' });
  received.length = 0;
});
afterEach(() => agent.stop());

const run = (args: string[], flags: Parameters<typeof alertsContext>[1] = {}) =>
  alertsCommand.run(alertsContext(config, { ...flags, args }));

describe('hms alerts', () => {
  it(
    'Given an open critical incident, a muted warning and a resolved one, When listed, ' +
      'Then a row each with rule, subject, title, opened, resolved or open, muted; then the channels and deliveries; exit 1',
    async () => {
      const output = await run([]);
      expect(output.exitCode).toBe(1);
      const text = output.human;
      expect(text).toMatch(/^web1: 2 open incidents, checked [3-9]s ago$/m);
      expect(text).toMatch(/^SEVERITY\s+RULE\s+SUBJECT\s+TITLE\s+OPENED\s+RESOLVED\s+MUTED$/m);
      expect(text).toMatch(/^critical\s+unit\s+cigar\.service\s+cigar\.service failed\s+4m ago\s+open\s+–$/m);
      expect(text).toMatch(/^warning\s+disk\s+\/var\s+\/var 87% full\s+2h0m ago\s+open\s+muted$/m);
      expect(text).toMatch(/^warning\s+health\s+tobacco\s+tobacco health failing\s+1d ago\s+1d ago\s+–$/m);
      expect(text).toMatch(/^CHANNEL\s+TYPE\s+TARGET\s+QUEUED\s+LAST DELIVERY\s+LAST ERROR$/m);
      expect(text).toMatch(/^ops\s+webhook\s+https:\/\/ops\.example\.test\s+0\s+3m ago$/m);
      expect(text).toMatch(
        /^chat\s+slack\s+https:\/\/hooks\.slack\.test\s+2\s+1h0m ago\s+connect ECONNREFUSED \(2m ago; retried in \d+s\)$/m,
      );
      expect(text).toContain('Deliveries (newest first; 2 more in --json)');
      expect(text).toMatch(/^4m ago\s+chat\s+opened\s+delivery 0\s+queued \(3 attempts: connect ECONNREFUSED\)$/m);
      expect(text).toMatch(/^5m ago\s+ops\s+resolved\s+delivery 1\s+sent 5m ago$/m);
      expect(text).not.toContain('delivery 10');
      expect(text).not.toContain('Mutes');
      expect(text).not.toContain('\u001b[');
    },
  );

  it(
    'Given FORCE_COLOR, When listed, Then open severities are red (critical) and yellow (warning), ' +
      'a resolved one plain, the channel error red',
    async () => {
      const lines = (await run([], { env: { FORCE_COLOR: '1' } })).human.split('\n');
      expect(lines.find((l) => l.includes('cigar.service failed'))).toMatch(/^\u001b\[31mcritical\u001b\[39m\s+unit/);
      expect(lines.find((l) => l.includes('/var 87%'))).toMatch(/^\u001b\[33mwarning\u001b\[39m\s+disk/);
      expect(lines.find((l) => l.includes('tobacco health'))).not.toContain('\u001b[');
      expect(lines.find((l) => l.startsWith('chat'))).toMatch(/\u001b\[31mconnect ECONNREFUSED \(2m ago; retried in \d+s\)\u001b\[39m$/);
      expect(lines.find((l) => l.startsWith('ops'))).not.toContain(RED);
      expect(lines.join('\n')).toContain(YELLOW);
    },
  );

  it('Given only resolved incidents, When listed, Then it says no open incident and exits 0', async () => {
    agent.overview = { ...agent.overview, incidents: agent.overview.incidents.filter((i) => i.resolvedAt) };
    const output = await run([]);
    expect(output.exitCode).toBe(0);
    expect(output.human).toMatch(/^web1: no open incident, checked [3-9]s ago$/m);
  });

  it("Given --json, When listed, Then the data is the agent's answer, every delivery included", async () => {
    const output = await run([], { flags: { json: true } });
    expect(output.data).toEqual({ ...agent.overview, mutes: [] });
    expect((output.data as { deliveries: unknown[] }).deliveries).toHaveLength(12);
  });

  it('Given the watcher turned off and no channel, When listed, Then both are said, with where to change them', async () => {
    agent.overview = { ...agent.overview, enabled: false, incidents: [], channels: [], deliveries: [] };
    const output = await run(['web1']);
    expect(output.exitCode).toBe(0);
    expect(output.human).toContain('web1: the incidents watcher is off (alerts.enabled in hms.config.json, then `hms provision`)');
    expect(output.human).toContain('No channel: incidents are only listed here (alerts.channels in hms.config.json).');
  });

  it('Given a server name that is not configured, When listed, Then it is refused by name', async () => {
    await expect(run(['nosuch'])).rejects.toThrow('Unknown server "nosuch".');
  });

  it('Given --all with a second server down, When listed, Then each server is shown, the down one with its error, exit 1', async () => {
    config = alertsConfig({ web1: agent.url, edge: downUrl.replace('/hook', '') });
    agent.overview = { ...agent.overview, incidents: [] };
    const output = await run([], { flags: { all: true } });
    expect(output.exitCode).toBe(1);
    expect(output.human).toMatch(/^web1: no open incident/m);
    expect(output.human).toMatch(/^edge: ✗ /m);
    expect((output.data as Array<{ server: string; ok: boolean }>).map((r) => [r.server, r.ok])).toEqual([
      ['web1', true],
      ['edge', false],
    ]);
  });

  it('Given an agent that predates alerts (no such route: 404), When listed or muted, Then it says to update the agent', async () => {
    agent.older = true;
    for (const args of [[], ['mute', 'disk']]) {
      const error = await run(args, { flags: { for: '1h' } }).catch((e: Error & { hint?: string }) => e);
      expect((error as Error).message).toBe('web1: alerts unavailable: the agent predates them.');
      expect((error as { hint?: string }).hint).toBe('Update the agent: `hms update-hosting-api`.');
    }
  });

  it('Given a wrong token, When listed, Then the refusal says how to log in, not that the agent is old', async () => {
    const error = await alertsCommand
      .run(alertsContext(config, { env: { HMS_TOKEN: 'tok_wrong' } }))
      .catch((e: Error & { hint?: string }) => e);
    expect((error as { hint?: string }).hint).toContain('hms login web1');
  });
});

describe('hms alerts test', () => {
  it(
    'Given a receiver up and one down, When every channel is tested, ' +
      'Then the first is sent with a valid signature, the second shows its error and that it is retried, exit 1',
    async () => {
      const output = await run(['test']);
      expect(output.exitCode).toBe(1);
      expect(output.human).toBe(['web1:', '  ops: sent', '  chat: ✗ ECONNREFUSED (kept, and retried with backoff)'].join('\n'));
      expect(received).toHaveLength(1);
      expect(received[0]!.valid).toBe(true);
      expect(JSON.parse(received[0]!.body)).toMatchObject({ event: 'test', server: 'web1' });
    },
  );

  it('Given one channel named, When tested, Then only it is sent, exit 0, and the request names it', async () => {
    const output = await run(['test', 'ops']);
    expect(output.exitCode).toBe(0);
    expect(output.human).toBe('web1:\n  ops: sent');
    expect(agent.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/alerts/test', body: { channel: 'ops' } });
  });

  it('Given an unknown channel, When tested, Then the agent refuses it by name', async () => {
    await expect(run(['test', 'pager'])).rejects.toThrow('web1: Unknown channel "pager".');
    await expect(run(['test', 'a/../b'])).rejects.toThrow('"a/../b" is not a channel name.');
  });

  it('Given no channel, When tested, Then it says so and exits 1', async () => {
    agent.webhooks = {};
    const output = await run(['test']);
    expect(output.exitCode).toBe(1);
    expect(output.human).toContain('no channel to test (alerts.channels in hms.config.json)');
  });
});

describe('hms alerts mute and unmute', () => {
  it('Given a rule and --for 2h, When muted, Then the agent gets 120 minutes, and the list shows the mute with its time left', async () => {
    const output = await run(['mute', 'disk'], { flags: { for: '2h' } });
    expect(output.exitCode).toBe(0);
    expect(output.human).toMatch(/^web1: disk muted for 2h, until \d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(agent.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/alerts/mutes', body: { target: 'disk', minutes: 120 } });
    expect(agent.requests.at(-1)!.actor).toBeTruthy();
    const list = await run([]);
    expect(list.human).toMatch(/^MUTED\s+UNTIL\s+LEFT\s+BY$/m);
    expect(list.human).toMatch(/^disk\s+\S+Z\s+(1h59m|2h0m) left\s+\S+/m);
  });

  it('Given durations of each form, When muted, Then each is sent in minutes', async () => {
    for (const [text, minutes] of [
      ['30m', 30],
      ['1d', 1440],
      ['1h30m', 90],
      ['7d', 10080],
    ] as const) {
      await run(['mute', 'cigar'], { flags: { for: text } });
      expect(agent.requests.at(-1)!.body).toEqual({ target: 'cigar', minutes });
    }
  });

  it('Given a malformed, zero, missing or over-7-days --for, When muted, Then it is refused with the form; nothing is sent', async () => {
    const refusals: Array<[string | undefined, RegExp]> = [
      ['soon', /^--for soon: "soon" is not a duration: write 30m, 2h, 1d or 1h30m\.$/],
      ['1.5h', /"1\.5h" is not a duration/],
      ['0m', /a mute lasts from 1 minute to 7d \(0 minutes asked\)/],
      ['8d', /a mute lasts from 1 minute to 7d \(11520 minutes asked\)/],
      ['2w', /\(20160 minutes asked\)/],
      [undefined, /`--for` is required/],
    ];
    for (const [value, message] of refusals) {
      const error = await run(['mute', 'disk'], { flags: value === undefined ? {} : { for: value } }).catch(
        (e: Error & { hint: string }) => e,
      );
      expect((error as Error).message).toMatch(message);
      expect((error as { hint: string }).hint).toContain('--for takes 30m, 2h, 1d or 1h30m: from 1 minute to 7 days.');
    }
    expect(agent.requests).toEqual([]);
  });

  it('Given a target neither a rule nor an app, When muted, Then the agent refuses it; one that is no name is refused here', async () => {
    await expect(run(['mute', 'nosuch'], { flags: { for: '1h' } })).rejects.toThrow('Unknown rule or app "nosuch".');
    await expect(run(['mute', '../etc'], { flags: { for: '1h' } })).rejects.toThrow('"../etc" is neither a rule nor an app name.');
    await expect(run(['mute'], { flags: { for: '1h' } })).rejects.toThrow('Mute what?');
  });

  it('Given a mute, When unmuted twice, Then it is removed once, and the second says it was not muted', async () => {
    await run(['mute', 'cigar'], { flags: { for: '30m' } });
    expect((await run(['unmute', 'cigar'])).human).toBe('web1: cigar unmuted');
    expect(agent.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/alerts/mutes/cigar' });
    expect((await run(['unmute', 'cigar'])).human).toBe('web1: cigar was not muted');
    expect(agent.mutes).toEqual([]);
  });

  it("Given an app configured on another server, When muted, Then the mute goes to the app's server", async () => {
    const edge = await alertsAgent(sampleAlerts());
    try {
      config = alertsConfig({ web1: agent.url, edge: edge.url }, { tobacco: 'edge' });
      expect((await run(['mute', 'tobacco'], { flags: { for: '1d' } })).human).toMatch(/^edge: tobacco muted for 1d/);
      expect(edge.mutes.map((m) => m.target)).toEqual(['tobacco']);
      expect(agent.requests).toEqual([]);
    } finally {
      await edge.stop();
    }
  });

  it('Given --readonly, When test, mute or unmute is asked, Then each is refused before any request', async () => {
    await expect(run(['test'], { flags: { readonly: true } })).rejects.toThrow('--readonly: nothing is tested.');
    await expect(run(['mute', 'disk'], { flags: { readonly: true, for: '1h' } })).rejects.toThrow('--readonly: nothing is muted.');
    await expect(run(['unmute', 'disk'], { flags: { readonly: true } })).rejects.toThrow('--readonly: nothing is unmuted.');
    expect(agent.requests).toEqual([]);
    expect((await run([], { flags: { readonly: true } })).exitCode).toBe(1);
  });
});

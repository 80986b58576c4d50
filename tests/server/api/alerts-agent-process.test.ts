/**
 * The bundled agent as its own process (`node dist/hms-agent.mjs`): serving starts the
 * watcher and answers /api/alerts, a test send reaches a real receiver, an e-mail goes
 * out through the bundle's nodemailer (loaded on the first mail) over STARTTLS, SIGTERM
 * stops it promptly (no timer keeps it alive), and a webhook without its signing secret is
 * listed as not usable, with what to do, while the agent serves. Prints its idle RSS and CPU with the watcher on
 * and off (this host has no systemd: each look's `systemctl show` fails, and is still run).
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { alertsResponseSchema, alertTestResponseSchema } from '../../../src/api/alerts.js';
import { LOCAL_TOKEN, type LocalAgent, startLocalAgent } from '../../support/agent-process.js';
import { receiver, type Receiver } from '../services/alerts/receiver.js';
import { selfSigned, smtpServer } from '../services/alerts/smtp.js';

const receivers: Receiver[] = [];
const agents: LocalAgent[] = [];
afterAll(async () => {
  for (const agent of agents) await agent.stop();
  for (const rx of receivers) await rx.stop();
});

async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The agent's CPU over `ms` of idling, as a percentage of one core. */
async function idleCpu(agent: LocalAgent, ms: number): Promise<number> {
  const before = await cpuMs(agent.pid);
  await sleep(ms);
  return (((await cpuMs(agent.pid)) - before) / ms) * 100;
}

describe('the agent process with its watcher', () => {
  it('Given a Slack channel, When the agent serves, Then /api/alerts answers, a test arrives, and SIGTERM stops it', async () => {
    const rx = await receiver('unused');
    receivers.push(rx);
    const alerts = { server: 'web-1', intervalSeconds: 1, channels: { team: { type: 'slack', url: `${rx.url}/services/T0/B0/x` } } };
    const apps = {
      cigar: { unit: 'cigar.service', root: '/var/www/cigar' },
      tobacco: { unit: 'tobacco.service', root: '/var/www/tobacco' },
    };
    const agent = await startLocalAgent({ apps, config: { alerts } });
    agents.push(agent);
    const overview = alertsResponseSchema.parse(JSON.parse((await agent.get('/api/alerts')).body));
    expect(overview.channels.map((c) => [c.name, c.type, c.target])).toEqual([['team', 'slack', rx.url]]);
    const response = await fetch(`${agent.url}/api/alerts/test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${LOCAL_TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const tested = alertTestResponseSchema.parse(await response.json());
    expect(tested.deliveries.map((d) => d.state)).toEqual(['sent']);
    expect(JSON.parse(rx.received[0]!.body).text).toMatch(/^\[hms web-1\] TEST /);

    const on = await idleCpu(agent, 5000);
    const rss = await agent.memory('VmRSS');
    const off = await startLocalAgent({ apps, config: { alerts: { ...alerts, enabled: false } } });
    agents.push(off);
    const offCpu = await idleCpu(off, 5000);
    const offRss = await off.memory('VmRSS');
    console.log(
      `agent idle, one look a second: watcher on ${on.toFixed(2)}% of a core, RSS ${(rss / 1048576).toFixed(1)} MB; ` +
        `off ${offCpu.toFixed(2)}%, RSS ${(offRss / 1048576).toFixed(1)} MB`,
    );
    const started = Date.now();
    await agent.stop();
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('Given an e-mail channel, When tested through the bundled agent, Then nodemailer (loaded then) sends it over STARTTLS', async () => {
    const tls = await selfSigned();
    const { port, mails } = await smtpServer(tls, { authOptional: true });
    const mail = { type: 'email', host: '127.0.0.1', port, caFile: tls.caFile, from: 'hms@example.org', to: ['ops@example.org'] };
    const agent = await startLocalAgent({ config: { alerts: { server: 'web-1', channels: { mail } } } });
    agents.push(agent);
    const before = await agent.memory('VmRSS');
    const response = await fetch(`${agent.url}/api/alerts/test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${LOCAL_TOKEN}`, 'content-type': 'application/json' },
      body: '{"channel":"mail"}',
    });
    const tested = alertTestResponseSchema.parse(await response.json());
    expect(tested.deliveries.map((d) => [d.state, d.lastError])).toEqual([['sent', null]]);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: ['ops@example.org'], secure: true });
    expect(mails[0]!.data).toMatch(/^Subject: \[hms web-1\] TEST /m);
    const after = await agent.memory('VmRSS');
    console.log(`agent RSS before the first mail ${(before / 1048576).toFixed(1)} MB, after ${(after / 1048576).toFixed(1)} MB`);
  });

  it('Given a webhook with no secret in the secrets file, Then the agent serves and lists the channel as not usable', async () => {
    const alerts = { channels: { ops: { type: 'webhook', url: 'https://hooks.example.org/hms' } } };
    const agent = await startLocalAgent({ config: { alerts } });
    agents.push(agent);
    expect((await agent.get('/api/health')).status).toBe(200);
    const [ops] = alertsResponseSchema.parse(JSON.parse((await agent.get('/api/alerts')).body)).channels;
    expect(ops!.target).toMatch(/^\(not usable: /);
    expect(ops!.lastError?.message).toMatch(/alerts\.channels\.ops: a webhook is signed: it needs alert_channels\.ops\.secret/);
    expect(ops!.lastError?.message).toMatch(/hms provision/);
    // A test send is kept, not lost: it waits for the secret with that error.
    const response = await fetch(`${agent.url}/api/alerts/test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${LOCAL_TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const tested = alertTestResponseSchema.parse(await response.json());
    expect(tested.deliveries.map((d) => [d.state, d.lastError])).toEqual([
      ['queued', expect.stringMatching(/needs alert_channels\.ops\.secret/)],
    ]);
  });
});

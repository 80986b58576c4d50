/**
 * /api/alerts through the agent's app (`app.request()`), with the real watcher and
 * outbox behind it and a real webhook receiver on loopback: the overview, a test send
 * (to a receiver up, and down), mutes by rule or app, what is refused, and 503 when
 * the agent runs no watcher.
 */
import { describe, expect, it } from 'vitest';
import { alertsResponseSchema, alertTestResponseSchema, muteResponseSchema } from '../../../src/api/alerts.js';
import { startAlerts } from '../../../server/services/alerts/index.js';
import { agentWithAlerts, stopLater } from '../services/alerts/alerts-agent.js';
import { AUTH, testAgent } from '../../support/agent.js';

async function withRoutes() {
  const { agent, rx } = await agentWithAlerts();
  const engine = stopLater(await startAlerts(agent.deps, { loop: false, retry: { baseMs: 60_000, maxMs: 60_000 }, log: () => undefined }));
  agent.deps.alerts = engine;
  const call = (method: string, path: string, body?: unknown) =>
    agent.app.request(`/api/alerts${path}`, {
      method,
      headers: { ...AUTH, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return { agent, rx, call };
}

describe('/api/alerts', () => {
  it('Given no watcher in the agent, Then every route answers 503 with what to do; without a token, 401', async () => {
    const agent = await testAgent();
    const response = await agent.app.request('/api/alerts', { headers: AUTH });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: expect.stringMatching(/not running/), hint: expect.stringMatching(/restart/) });
    expect((await agent.app.request('/api/alerts')).status).toBe(401);
  });

  it('Given a webhook channel, When GET, Then the overview lists it by its origin; When tested, Then the receiver has it', async () => {
    const { agent, rx, call } = await withRoutes();
    const overview = alertsResponseSchema.parse(await (await call('GET', '')).json());
    expect(overview).toMatchObject({ enabled: true, server: 'web-1', incidents: [], mutes: [], checkedAt: null });
    expect(overview.channels).toEqual([
      { name: 'ops', type: 'webhook', target: rx.url, queued: 0, lastDeliveredAt: null, lastError: null, nextAttemptAt: null },
    ]);
    const tested = alertTestResponseSchema.parse(await (await call('POST', '/test', {})).json());
    expect(tested.deliveries.map((d) => [d.channel, d.event, d.state, d.attempts])).toEqual([['ops', 'test', 'sent', 1]]);
    expect(rx.received).toHaveLength(1);
    expect(rx.received[0]!.signed).toBe(true);
    const [entry] = await agent.deps.audit.recent(1);
    expect(entry).toMatchObject({ action: 'alerts.test', target: 'all', result: 'ok' });
    expect((await call('POST', '/test', { channel: 'pager' })).status).toBe(404);
  });

  it('Given the receiver down, When tested, Then the answer says queued with the error, and GET shows it meanwhile', async () => {
    const { agent, rx, call } = await withRoutes();
    await rx.stop();
    const response = await call('POST', '/test', { channel: 'ops' });
    expect(response.status).toBe(200);
    const [delivery] = alertTestResponseSchema.parse(await response.json()).deliveries;
    expect(delivery).toMatchObject({ state: 'queued', attempts: 1, lastError: expect.stringMatching(/refused the connection/) });
    const overview = alertsResponseSchema.parse(await (await call('GET', '')).json());
    expect(overview.channels[0]).toMatchObject({ queued: 1, lastError: { message: expect.stringMatching(/refused/) } });
    expect(overview.deliveries[0]).toMatchObject({ state: 'queued', lastError: expect.stringMatching(/refused/) });
    const [entry] = await agent.deps.audit.recent(1);
    expect(entry).toMatchObject({ action: 'alerts.test', target: 'ops', result: 'failed' });
  });

  it('Given mutes, Then a rule or an app is muted and unmuted (audited); others are refused naming what is allowed', async () => {
    const { agent, call } = await withRoutes();
    const refused = await call('POST', '/mutes', { target: '../etc', minutes: 60 });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ hint: expect.stringMatching(/unit, health, .*logins, cigar\.$/) });
    expect((await call('POST', '/mutes', { target: 'disk', minutes: 0 })).status).toBe(400);
    expect((await call('POST', '/mutes', { target: 'disk' })).status).toBe(400);
    const muted = muteResponseSchema.parse(await (await call('POST', '/mutes', { target: 'disk', minutes: 120 })).json());
    expect(muted.mute).toMatchObject({ target: 'disk', by: 'api-token' });
    expect(Date.parse(muted.mute.until) - Date.now()).toBeGreaterThan(119 * 60_000);
    await call('POST', '/mutes', { target: 'cigar', minutes: 30 });
    const overview = alertsResponseSchema.parse(await (await call('GET', '')).json());
    expect(overview.mutes.map((m) => m.target)).toEqual(['disk', 'cigar']);
    expect(await (await call('DELETE', '/mutes/disk')).json()).toEqual({ removed: true });
    expect(await (await call('DELETE', '/mutes/disk')).json()).toEqual({ removed: false });
    expect((await call('DELETE', '/mutes/nope')).status).toBe(400);
    const actions = (await agent.deps.audit.recent(10)).map((e) => `${e.action} ${e.target}`);
    expect(actions).toEqual(['alerts.unmute disk', 'alerts.unmute disk', 'alerts.mute cigar', 'alerts.mute disk']);
  });
});

/**
 * The agent's /api/alerts as the contract (src/api/alerts.ts) describes it, answering
 * what a test sets (fixed times, many deliveries, an agent from before alerts), where the
 * real watcher (tests/commands/alerts-agent.test.ts) could not be made to: every route
 * checks the API token and validates its body with the contract's schemas; a test send
 * really POSTs a signed payload to each webhook channel's URL and reports what that attempt
 * did; mutes are kept and listed. Commands reach it as `--via https` reaches an agent.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ALERT_RULES,
  type AlertRule,
  type AlertsResponse,
  alertTestRequestSchema,
  type Delivery,
  type Incident,
  type Mute,
  muteRequestSchema,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from '../../src/api/alerts.js';
import { ACTOR_HEADER } from '../../src/api/core.js';
import { serverSchema, type Config } from '../../src/config/schema.js';
import { TEST_TOKEN } from './agent.js';
import { testContext, type TestContext, type TestContextOptions } from './test-context.js';

export interface AlertsAgent {
  url: string;
  /** What GET /api/alerts answers (the mutes are the agent's own). */
  overview: Omit<AlertsResponse, 'mutes'>;
  /** Where each channel's test goes: a webhook URL; signed with `secret`. */
  webhooks: Record<string, { url: string; secret: string }>;
  mutes: Mute[];
  /** Each request's method, path, actor and body, in order. */
  requests: Array<{ method: string; path: string; actor: string | undefined; body: unknown }>;
  /** true: an agent from before alerts, which has no such route (404, as the agent answers an unknown route). */
  older: boolean;
  stop(): Promise<void>;
}

const APPS = ['cigar', 'tobacco'];

export async function alertsAgent(overview: Omit<AlertsResponse, 'mutes'>): Promise<AlertsAgent> {
  const agent: AlertsAgent = { url: '', overview, webhooks: {}, mutes: [], requests: [], older: false, stop: async () => {} };
  const server: Server = createServer((req, res) => {
    handle(agent, req, res).catch((error: Error) => send(res, 500, { error: error.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  agent.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  agent.stop = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return agent;
}

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

async function handle(agent: AlertsAgent, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let text = '';
  for await (const chunk of req) text += chunk;
  const body: unknown = text ? JSON.parse(text) : undefined;
  const path = new URL(req.url!, 'http://x').pathname;
  const actor = req.headers[ACTOR_HEADER] as string | undefined;
  agent.requests.push({ method: req.method!, path, actor, body });
  if (req.headers.authorization !== `Bearer ${TEST_TOKEN}`) return send(res, 401, { error: 'Missing or invalid token.' });
  if (agent.older) return send(res, 404, { error: `No route for ${req.method} ${path}.` });
  if (req.method === 'GET' && path === '/api/alerts') return send(res, 200, { ...agent.overview, mutes: agent.mutes });
  if (req.method === 'POST' && path === '/api/alerts/test') {
    const request = alertTestRequestSchema.safeParse(body);
    if (!request.success) return send(res, 400, { error: 'Invalid request body.' });
    const names = request.data.channel ? [request.data.channel] : Object.keys(agent.webhooks);
    const unknown = names.find((name) => !agent.webhooks[name]);
    if (unknown) return send(res, 400, { error: `Unknown channel "${unknown}".` });
    return send(res, 200, { deliveries: await Promise.all(names.map((name) => testDelivery(agent, name))) });
  }
  if (req.method === 'POST' && path === '/api/alerts/mutes') {
    const request = muteRequestSchema.safeParse(body);
    if (!request.success) return send(res, 400, { error: 'Invalid request body.' });
    const { target, minutes } = request.data;
    if (!(ALERT_RULES as readonly string[]).includes(target) && !APPS.includes(target))
      return send(res, 400, { error: `Unknown rule or app "${target}".` });
    const mute = { target, until: new Date(Date.now() + minutes * 60_000).toISOString(), by: actor ?? 'api-token' };
    agent.mutes = [...agent.mutes.filter((m) => m.target !== target), mute];
    return send(res, 200, { mute });
  }
  const unmute = /^\/api\/alerts\/mutes\/([^/]+)$/.exec(path);
  if (req.method === 'DELETE' && unmute) {
    const target = decodeURIComponent(unmute[1]!);
    const before = agent.mutes.length;
    agent.mutes = agent.mutes.filter((m) => m.target !== target);
    return send(res, 200, { removed: agent.mutes.length < before });
  }
  send(res, 404, { error: `No route for ${req.method} ${path}.` });
}

/** One signed POST to the channel's URL: sent on a 2xx, else queued with the attempt's error. */
async function testDelivery(agent: AlertsAgent, channel: string): Promise<Delivery> {
  const { url, secret } = agent.webhooks[channel]!;
  const createdAt = new Date().toISOString();
  const id = `test-${channel}-${Date.now()}`;
  const payload = JSON.stringify({
    event: 'test',
    server: agent.overview.server,
    delivery: id,
    sentAt: createdAt,
    incident: null,
    text: 'test',
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex')}`;
  const base = { id, channel, event: 'test' as const, incident: null, title: 'Test delivery', createdAt, attempts: 1 };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp },
      body: payload,
      signal: AbortSignal.timeout(5000),
    });
    if (response.ok) return { ...base, state: 'sent', sentAt: new Date().toISOString(), lastError: null };
    return { ...base, state: 'queued', sentAt: null, lastError: `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    return { ...base, state: 'queued', sentAt: null, lastError: cause?.code ?? (error as Error).message };
  }
}

/** The configuration a command loads: each server at its agent's URL (`--via https`, HMS_TOKEN). */
export function alertsConfig(servers: Record<string, string>, apps: Record<string, string> = {}): Config {
  return {
    file: '/nonexistent/hms.config.json',
    servers: Object.fromEntries(
      Object.entries(servers).map(([name, url]) => [name, { ...serverSchema.parse({ host: '127.0.0.1' }), publicUrl: url }]),
    ),
    apps: Object.fromEntries(Object.entries(apps).map(([app, server]) => [app, { server } as Config['apps'][string]])),
  };
}

export function alertsContext(config: Config, options: TestContextOptions = {}): TestContext {
  return testContext({
    ...options,
    config,
    flags: { via: 'https', ...options.flags },
    env: { HMS_TOKEN: TEST_TOKEN, ...options.env },
  });
}

const ago = (now: number, ms: number) => new Date(now - ms).toISOString();
const MIN = 60_000;

/**
 * A server with an open critical incident (cigar.service failed 4 min ago), an open muted warning
 * (/var 87% full for 2 h), one resolved; a webhook that delivers and a Slack channel that is down
 * with 2 queued; `deliveries` deliveries, newest first.
 */
export function sampleAlerts(deliveries = 3, now = Date.now()): Omit<AlertsResponse, 'mutes'> {
  const incident = (rule: AlertRule, subject: string, extra: Partial<Incident>): Incident => ({
    id: `${rule}:${subject}:1`,
    rule,
    subject,
    app: null,
    severity: 'warning',
    title: subject,
    detail: '',
    openedAt: ago(now, 4 * MIN),
    updatedAt: ago(now, 4 * MIN),
    resolvedAt: null,
    muted: false,
    ...extra,
  });
  return {
    enabled: true,
    server: 'web1',
    checkedAt: ago(now, 3000),
    incidents: [
      incident('unit', 'cigar.service', {
        app: 'cigar',
        severity: 'critical',
        title: 'cigar.service failed',
        detail: 'see `hms logs cigar`',
      }),
      incident('disk', '/var', { title: '/var 87% full', openedAt: ago(now, 2 * 60 * MIN), muted: true }),
      incident('health', 'tobacco', {
        app: 'tobacco',
        title: 'tobacco health failing',
        openedAt: ago(now, 26 * 60 * MIN),
        resolvedAt: ago(now, 25 * 60 * MIN),
      }),
    ],
    channels: [
      {
        name: 'ops',
        type: 'webhook',
        target: 'https://ops.example.test',
        queued: 0,
        lastDeliveredAt: ago(now, 3 * MIN),
        lastError: null,
        nextAttemptAt: null,
      },
      {
        name: 'chat',
        type: 'slack',
        target: 'https://hooks.slack.test',
        queued: 2,
        lastDeliveredAt: ago(now, 60 * MIN),
        lastError: { at: ago(now, 2 * MIN), message: 'connect ECONNREFUSED' },
        nextAttemptAt: new Date(now + 30_000).toISOString(),
      },
    ],
    deliveries: Array.from(
      { length: deliveries },
      (_, i): Delivery => ({
        id: `d${i}`,
        channel: i === 0 ? 'chat' : 'ops',
        event: i === 0 ? 'opened' : 'resolved',
        incident: 'unit:cigar.service:1',
        title: `delivery ${i}`,
        createdAt: ago(now, (4 + i) * MIN),
        attempts: i === 0 ? 3 : 1,
        state: i === 0 ? 'queued' : 'sent',
        sentAt: i === 0 ? null : ago(now, (4 + i) * MIN),
        lastError: i === 0 ? 'connect ECONNREFUSED' : null,
      }),
    ),
  };
}

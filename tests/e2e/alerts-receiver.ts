/**
 * A webhook receiver for the alerts suites: a real HTTP server on the host side of a
 * test server's veth (the one address the server reaches), as a team's incident
 * endpoint would be. It checks each delivery's signature as the contract says
 * (src/api/alerts.ts: `X-Hms-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`),
 * answers 401 to a bad one, and records every request in the order it came. It can be
 * taken down (the port closed: connections refused) and brought up again on the same
 * port, as an endpoint that is down for a while.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AlertPayload, alertPayloadSchema, DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/api/alerts.js';
import { waitFor } from '../support/wait-for.js';

export interface Received {
  /** X-Hms-Delivery: the same on a retry of one delivery. */
  delivery: string;
  timestamp: string;
  signatureOk: boolean;
  /** The body, parsed by the contract's schema; null when it did not parse. */
  payload: AlertPayload | null;
  body: string;
  receivedAt: number;
}

export interface Receiver {
  url: string;
  /** Every request, in the order received (bad signatures included, marked). */
  received: Received[];
  /** Deliveries accepted (signature right, body valid), in order. */
  accepted(): Array<Received & { payload: AlertPayload }>;
  /** Closes the port: the server's connections are refused until up() is called. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Waits until `check` holds over the accepted deliveries; fails naming what arrived. */
  waitFor(what: string, check: (accepted: Array<Received & { payload: AlertPayload }>) => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The signature a sender with `secret` puts on `body` sent at `timestamp`. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function signatureMatches(secret: string, timestamp: string, body: string, given: string): boolean {
  const expected = Buffer.from(signature(secret, timestamp, body));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const header = (request: IncomingMessage, name: string): string => {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
};

/**
 * Listens on `address` (a free port the first time, the same one after down/up).
 * `secret()` is read per request: the signing secret `hms secrets init` wrote in the laptop's .secrets.json.
 */
export async function startReceiver(address: string, secret: () => string): Promise<Receiver> {
  const received: Received[] = [];
  const handle = async (request: IncomingMessage): Promise<number> => {
    const body = await readBody(request);
    const timestamp = header(request, TIMESTAMP_HEADER);
    const signatureOk = request.method === 'POST' && signatureMatches(secret(), timestamp, body, header(request, SIGNATURE_HEADER));
    let payload: AlertPayload | null = null;
    try {
      payload = alertPayloadSchema.parse(JSON.parse(body));
    } catch {
      payload = null;
    }
    received.push({ delivery: header(request, DELIVERY_HEADER), timestamp, signatureOk, payload, body, receivedAt: Date.now() });
    if (!signatureOk) return 401;
    return payload ? 204 : 400;
  };
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    const next = createServer((request, response) => {
      handle(request).then(
        (status) => response.writeHead(status).end(),
        () => response.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, address, () => resolve());
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  };
  const close = async () => {
    const current = server;
    server = undefined;
    if (!current) return;
    const closed = new Promise<void>((resolve) => current.close(() => resolve()));
    current.closeAllConnections();
    await closed;
  };
  await listen();
  const accepted = () => received.filter((r): r is Received & { payload: AlertPayload } => r.signatureOk && r.payload !== null);
  return {
    url: `http://${address}:${port}/hooks/hms`,
    received,
    accepted,
    down: close,
    up: listen,
    async waitFor(what, check, timeoutMs = 60_000) {
      await waitFor(
        () => check(accepted()),
        () => `${what}; received so far:\n${received.map(describeReceived).join('\n') || '(nothing)'}`,
        timeoutMs,
        200,
      );
    },
    stop: close,
  };
}

/** One line per delivery for failure messages: event, rule and subject, signature. */
export function describeReceived(r: Received): string {
  const incident = r.payload?.incident;
  const what = r.payload ? `${r.payload.event} ${incident ? `${incident.rule} ${incident.subject}` : '(test)'}` : r.body.slice(0, 120);
  return `${new Date(r.receivedAt).toISOString()} ${r.delivery} ${what}${r.signatureOk ? '' : ' [BAD SIGNATURE]'}`;
}

/**
 * A real webhook receiver on loopback for the alerts suites: it checks each request's
 * HMAC signature under the secret it was given and keeps what arrived, in order. It can
 * be stopped and started again on the same port (a receiver that is down, then up).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The X-Hms-Signature matches HMAC-SHA256(secret, "<timestamp>.<body>"). */
  signed: boolean;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** What the receiver answers (200 "ok" unless a test says otherwise). */
  status: number;
  answer: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export function verify(secret: string, headers: IncomingMessage['headers'], body: string): boolean {
  const timestamp = String(headers['x-hms-timestamp'] ?? '');
  const given = Buffer.from(String(headers['x-hms-signature'] ?? ''));
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function receiver(secret: string, port = 0): Promise<Receiver> {
  let server: Server | undefined;
  const state: Receiver = {
    url: '',
    port,
    received: [],
    status: 200,
    answer: 'ok',
    async stop() {
      const current = server;
      server = undefined;
      if (!current) return;
      current.closeAllConnections();
      await new Promise<void>((resolve) => current.close(() => resolve()));
    },
    async start() {
      const started = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          state.received.push({ path: request.url ?? '', headers: request.headers, body, signed: verify(secret, request.headers, body) });
          response.writeHead(state.status, { 'content-type': 'text/plain' }).end(state.answer);
        });
      });
      await new Promise<void>((resolve, reject) => {
        started.once('error', reject);
        started.listen(state.port, '127.0.0.1', () => resolve());
      });
      server = started;
      state.port = (started.address() as AddressInfo).port;
      state.url = `http://127.0.0.1:${state.port}`;
    },
  };
  await state.start();
  return state;
}

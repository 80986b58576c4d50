/**
 * A client that announces a body and goes away mid-way (anyone can do it to
 * POST /login) must not make the agent log an internal error with a stack trace:
 * the agent's own Node server (server/http-serve.ts, as serve.ts starts it) on a loopback port, and
 * raw sockets that send half a body and close.
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TOKEN, testAgent } from '../support/agent.js';
import { serveHttp } from '../../server/http-serve.js';
import { installLiteFetch } from '../../server/lite-fetch.js';

let server: Server;
let uninstall: () => void;
let port: number;
const logged: unknown[][] = [];
const realError = console.error;

beforeAll(async () => {
  uninstall = installLiteFetch();
  const agent = await testAgent();
  server = serveHttp({ fetch: agent.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
  console.error = (...args: unknown[]) => {
    logged.push(args);
  };
});
afterAll(async () => {
  console.error = realError;
  uninstall();
  await new Promise((resolve) => server.close(resolve));
});

/** Sends the head and `sent` bytes of a body announced as 10 000 bytes, then closes the socket. */
async function dropMidBody(head: string, sent: string): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`${head}\r\nhost: 127.0.0.1\r\ncontent-length: 10000\r\n\r\n${sent}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.destroy();
}

describe('a request body dropped mid-way', () => {
  it('Given anonymous logins and an authenticated JSON PUT dropped mid-body, ' +
    'When the agent reads them, Then nothing is logged as an internal error and it still answers', async () => {
    for (let i = 0; i < 5; i += 1) {
      await dropMidBody('POST /login HTTP/1.1\r\ncontent-type: application/x-www-form-urlencoded', 'username=admin&pass');
      await dropMidBody(
        `PUT /api/configs/cigar HTTP/1.1\r\nauthorization: Bearer ${TEST_TOKEN}\r\ncontent-type: application/json\r\nif-match: *`,
        '{"content":"ser',
      );
      await dropMidBody(
        `POST /api/apps/cigar/restart HTTP/1.1\r\nauthorization: Bearer ${TEST_TOKEN}\r\ncontent-type: application/json`,
        '{',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(logged.map((args) => args.map(String).join(' ').slice(0, 300))).toEqual([]);
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
  }, 20_000);
});

/**
 * json(): an agent's answer checked against its contract schema, over a real HTTP server on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appsResponseSchema } from '../../src/api/apps.js';
import { json, send } from '../../src/client/http.js';
import type { Transport } from '../../src/client/transport.js';
import { HmsError } from '../../src/core/errors.js';

describe('json: the shape of an answer', () => {
  let server: Server;
  let transport: Transport;
  const answers: Record<string, unknown> = {
    '/good': { hostname: 'web1', version: '0.1.0', at: '2026-12-07T13:00:00.000Z', apps: [] },
    '/bad': { hostname: 'web1', version: '0.1.0', at: '2026-12-07T13:00:00.000Z', apps: [{ name: 42 }] },
  };
  beforeAll(async () => {
    server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(answers[request.url ?? ''] ?? {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dispatcher = new Agent();
    const { port } = server.address() as AddressInfo;
    transport = { via: 'ssh', baseUrl: `http://127.0.0.1:${port}`, dispatcher, close: () => dispatcher.close() };
  });
  afterAll(async () => {
    await transport?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('Given an answer in the contract shape, When read, Then its data', async () => {
    const data = await json(await send(transport, 'tok', 'web1', '/good'), appsResponseSchema, 'web1');
    expect(data.hostname).toBe('web1');
    expect(data.apps).toEqual([]);
  });

  it('Given an app whose name is a number, When read, Then the error says the shape is unknown to this hms', async () => {
    const error = await json(await send(transport, 'tok', 'web1', '/bad'), appsResponseSchema, 'web1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HmsError);
    expect((error as HmsError).message).toBe('The agent on web1 answered in a shape this hms does not know.');
  });
});

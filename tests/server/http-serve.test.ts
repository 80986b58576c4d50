/**
 * The agent's own HTTP server (server/http-serve.ts) with hono's answers made by
 * server/lite-fetch.ts, as serve.ts starts them: the real app on a loopback port, real
 * sockets, node:http requests (not fetch: the test reads the bytes that went out).
 */
import { request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp } from '../../server/http-serve.js';
import { installLiteFetch, LiteHeaders, LiteResponse } from '../../server/lite-fetch.js';
import { AUTH, TEST_PASSWORD, TEST_USER, testAgent } from '../support/agent.js';
import { waitFor } from '../support/wait-for.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

let uninstall: () => void;
const servers: Server[] = [];
let agentPort: number;
let streamPort: number;
let streamAborted = false;

async function listen(fetch: Parameters<typeof serveHttp>[0]['fetch']): Promise<number> {
  const server = serveHttp({ fetch, hostname: '127.0.0.1', port: 0 });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

function call(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

beforeAll(async () => {
  uninstall = installLiteFetch();
  agentPort = await listen((await testAgent()).app.fetch);
  const streams = new Hono();
  streams.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      stream.onAbort(() => {
        streamAborted = true;
      });
      await stream.writeSSE({ event: 'first', data: 'one' });
      while (!stream.aborted) await stream.sleep(20);
    }),
  );
  streamPort = await listen(streams.fetch);
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  uninstall();
});

describe('the agent served without undici', () => {
  it('Given the globals replaced, Then hono answers with LiteResponse and LiteHeaders', async () => {
    expect(globalThis.Response).toBe(LiteResponse);
    const answer = await (await testAgent()).app.request('/api/health');
    expect(answer).toBeInstanceOf(LiteResponse);
    expect(await answer.json()).toMatchObject({ status: 'ok' });
  });

  it('When /api/health is asked, Then JSON comes with its length and the secure headers', async () => {
    const answer = await call(agentPort, 'GET', '/api/health');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'ok', version: '0.0.0-test' });
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
    expect(answer.headers['content-security-policy']).toContain("default-src 'none'");
    const head = await call(agentPort, 'HEAD', '/api/health');
    expect([head.status, head.body]).toEqual([200, '']);
  });

  it('When a route needs a token and none or a wrong one is given, Then 401, and 200 with the token', async () => {
    expect((await call(agentPort, 'GET', '/api/whoami')).status).toBe(401);
    expect((await call(agentPort, 'GET', '/api/whoami', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const ok = await call(agentPort, 'GET', '/api/whoami', { headers: AUTH });
    expect(JSON.parse(ok.body)).toMatchObject({ via: 'token' });
  });

  it('When a JSON body is wrong, Then the API says so (400); a body over the limit without a length is refused (413)', async () => {
    const bad = await call(agentPort, 'POST', '/api/apps/nope/restart', {
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: '{',
    });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    const big = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: agentPort, method: 'PUT', path: '/api/configs/x', headers: { ...AUTH, 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 17; i += 1) req.write('x'.repeat(64 * 1024));
      req.end();
    });
    expect(big).toBe(413);
  });

  it('When the login form is posted, Then its fields are read and the session comes as its own set-cookie', async () => {
    const page = await call(agentPort, 'GET', '/login');
    const cookie = page.headers['set-cookie']?.[0]?.split(';')[0];
    // The page's hidden _csrf field carries the cookie's value.
    const csrf = cookie?.split('=')[1];
    expect(page.body).toContain(`value="${csrf}"`);
    const form = new URLSearchParams({ username: TEST_USER, password: TEST_PASSWORD, _csrf: csrf!, next: '/' }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie!, origin: `http://127.0.0.1:${agentPort}` };
    const wrong = await call(agentPort, 'POST', '/login', { headers, body: form.replace('staple', 'stapler') });
    expect(wrong.status).toBe(401);
    const login = await call(agentPort, 'POST', '/login', { headers, body: form });
    expect(login.status).toBe(303);
    expect(login.headers['set-cookie']?.some((c) => c.startsWith('hms_session='))).toBe(true);
  });

  it('When the Host header is not a host name, Then 400 before the app', async () => {
    const answer = await call(agentPort, 'GET', '/api/health', { headers: { host: 'evil/x' } });
    expect(answer.status).toBe(400);
  });

  it('When an event stream is read, Then its first event comes before its end, and a client going away aborts it', async () => {
    const first = await new Promise<{ type: string | undefined; data: string; close: () => void }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: streamPort, path: '/events' }, (res) => {
        res.setEncoding('utf8');
        res.once('data', (data: string) => resolve({ type: res.headers['content-type'], data, close: () => req.destroy() }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(first.type).toMatch(/^text\/event-stream/);
    expect(first.data).toContain('event: first\ndata: one');
    first.close();
    await waitFor(
      () => streamAborted,
      () => 'the stream was not aborted',
      5000,
    );
  });
});

describe('LiteHeaders', () => {
  it('Then names are case-insensitive, iterate sorted, and each set-cookie stays apart', () => {
    const headers = new LiteHeaders({ 'X-B': '2', 'x-a': '1' });
    headers.append('Set-Cookie', 'a=1');
    headers.append('set-cookie', 'b=2');
    headers.append('X-b', '3');
    expect(headers.get('x-B')).toBe('2, 3');
    expect([...headers]).toEqual([
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['x-a', '1'],
      ['x-b', '2, 3'],
    ]);
    expect(new LiteHeaders(headers).getSetCookie()).toEqual(['a=1', 'b=2']);
    headers.delete('X-A');
    expect(headers.has('x-a')).toBe(false);
  });

  it('Then a response re-made from another keeps its plain body, status and headers', async () => {
    const first = new LiteResponse('hi', { status: 201, headers: { 'x-one': '1' } });
    const again = new LiteResponse(first.body, first);
    expect([again.status, again.rawBody, again.headers.get('x-one')]).toEqual([201, 'hi', '1']);
    expect(await again.text()).toBe('hi');
    expect(() => new LiteResponse(null, { status: 99 })).toThrow(RangeError);
  });
});

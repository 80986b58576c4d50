/**
 * Following a log through dropped connections, against real HTTP servers: a plain
 * node:http server that plays a stalled agent (headers, then silence), and a real
 * agent restarted with a rotated token.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serverSchema, type Config } from '../../src/config/schema.js';
import { connectServer } from '../../src/client/connect.js';
import { followStateText, type FollowState } from '../../src/client/follow-state.js';
import { backoffMs, isRetryable } from '../../src/client/retry.js';
import { AgentError } from '../../src/client/http.js';
import { followLog, type LogFollowEvent } from '../../src/client/logs-client.js';
import { HmsError } from '../../src/core/errors.js';
import { TEST_TOKEN } from '../support/agent.js';
import { testContext } from '../support/test-context.js';
import { servedAgent } from '../support/served-agent.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function listen(
  handler: (request: IncomingMessage, respond: (text: string) => void) => void,
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.flushHeaders();
    handler(request, (text) => response.write(text));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function clientFor(url: string) {
  const config: Config = {
    file: '/nonexistent/hms.config.json',
    servers: { raw: { ...serverSchema.parse({ host: '127.0.0.1' }), publicUrl: url } },
    apps: {},
  };
  const connected = await connectServer(testContext({ flags: { via: 'https' }, env: { HMS_TOKEN: TEST_TOKEN } }), config, 'raw');
  cleanups.push(() => connected.close());
  return connected.client;
}

/** The connection news as `hms logs -f` prints it: rendered from the follow's states. */
function noting(notes: string[]): (state: FollowState) => void {
  return (state) => {
    const text = followStateText(state);
    if (text !== undefined) notes.push(text);
  };
}

describe('backoff', () => {
  it('Given successive failed attempts, When waiting between them, Then it doubles from 0.5 s up to 10 s', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(backoffMs)).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
});

describe('isRetryable', () => {
  it(
    "Given the SSH tunnel's refusal while the agent restarts (ssh2 sets reason, no code), " +
      'When classified, Then it is worth another try; a 401 is not',
    () => {
      const refused = Object.assign(new Error('(SSH) Channel open failure: Connection refused'), { reason: 2 });
      expect(isRetryable(new HmsError('Could not reach 127.0.0.1:8787 on example through SSH: ...', { cause: refused }))).toBe(true);
      expect(isRetryable(new AgentError(401, 'refused', undefined, undefined))).toBe(false);
    },
  );
});

describe('followLog', () => {
  it(
    'Given a stream that goes silent (no line, no ping), When idleMs passes, ' +
      'Then it reconnects asking for the full backlog, and only the lines after the last one shown come',
    async () => {
      const requests: string[] = [];
      const line = (text: string) => `event: line\ndata: ${JSON.stringify({ text, ts: '2026-11-25T18:02:11.000Z' })}\n\n`;
      const { url } = await listen((request, respond) => {
        requests.push(request.url!);
        // As tail does: the backlog (which now ends with the line shown before), then the new line.
        respond(requests.length === 1 ? line('first') : `${line('older')}${line('first')}${line('second')}`);
      });
      const client = await clientFor(url);
      const notes: string[] = [];
      const stop = new AbortController();
      const seen: LogFollowEvent[] = [];
      const options = { lines: 5, grep: 'x', signal: stop.signal, onState: noting(notes), idleMs: 300 };
      for await (const event of followLog(client, 'cigar:production', options)) {
        seen.push(event);
        if (seen.length === 2) stop.abort();
      }
      expect(seen.map((event) => event.kind === 'line' && event.line.text)).toEqual(['first', 'second']);
      expect(requests).toEqual([
        '/api/logs/cigar%3Aproduction/follow?lines=5&grep=x',
        '/api/logs/cigar%3Aproduction/follow?lines=200&grep=x',
      ]);
      expect(notes).toEqual(['lost the connection (nothing came, not even a ping); reconnecting… (for up to 5 min)', 'reconnected']);
    },
  );

  it(
    "Given an agent that ends the stream as it shuts down, then a proxy's 502 page, " +
      'When following, Then both count as a drop and the follow goes on',
    async () => {
      const requests: string[] = [];
      const line = (text: string) => `event: line\ndata: ${JSON.stringify({ text, ts: '2026-11-25T18:02:11.000Z' })}\n\n`;
      const server = createServer((request, response) => {
        requests.push(request.url!);
        if (requests.length === 2) {
          response.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
          return;
        }
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        // First: a line, then the `end` an agent sends when systemd's SIGTERM killed its tail. Last: the backlog and a new line.
        response.write(
          requests.length === 1
            ? `${line('first')}event: end\ndata: {"reason":"tail exited with SIGTERM"}\n\n`
            : `${line('first')}${line('second')}`,
        );
        if (requests.length === 1) response.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      });
      const client = await clientFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const notes: string[] = [];
      const stop = new AbortController();
      const seen: string[] = [];
      for await (const event of followLog(client, 'cigar:production', { lines: 1, signal: stop.signal, onState: noting(notes) })) {
        if (event.kind === 'line') seen.push(event.line.text);
        if (seen.length === 2) stop.abort();
      }
      expect(seen).toEqual(['first', 'second']);
      expect(requests).toHaveLength(3);
      expect(notes).toEqual([
        'lost the connection (the agent ended the stream: tail exited with SIGTERM); reconnecting… (for up to 5 min)',
        'reconnected',
      ]);
    },
  );

  it(
    'Given an agent that does not come back, When giveUpMs passes, ' + 'Then the follow ends with an error that says what to check',
    async () => {
      const { url, server } = await listen((_request, respond) => respond(`event: line\ndata: ${JSON.stringify({ text: 'only' })}\n\n`));
      const client = await clientFor(url);
      const notes: string[] = [];
      const events = followLog(client, 'cigar:production', { onState: noting(notes), giveUpMs: 1200 });
      expect((await events.next()).value).toMatchObject({ kind: 'line' });
      server.closeAllConnections();
      server.close();
      const started = Date.now();
      const error = await events.next().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HmsError);
      expect((error as HmsError).message).toMatch(/^Gave up following after \d+ s without the agent/);
      expect((error as HmsError).hint).toContain('hms-agent');
      expect(Date.now() - started).toBeLessThan(5000);
    },
  );

  it('Given nothing listening, When the first connection fails, Then it is thrown at once, not retried', async () => {
    const { url, server } = await listen(() => undefined);
    const client = await clientFor(url);
    server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const notes: string[] = [];
    const started = Date.now();
    const events = followLog(client, 'cigar:production', { onState: noting(notes) });
    await expect(events.next()).rejects.toThrow(/Cannot reach the agent/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(notes).toEqual([]);
  });

  it('Given an agent not up yet (503), When a view follows with waitForAgent, Then it waits and says so as states', async () => {
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(request.url!);
      if (requests.length === 1) return void response.writeHead(503, { 'content-type': 'text/plain' }).end('starting');
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`event: line\ndata: ${JSON.stringify({ text: 'up' })}\n\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const client = await clientFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const states: FollowState[] = [];
    const onState = (state: FollowState): number => states.push(state);
    const events = followLog(client, 'cigar:production', { lines: 3, waitForAgent: true, onState });
    expect((await events.next()).value).toMatchObject({ kind: 'line', line: { text: 'up' } });
    await events.return(undefined);
    expect(states.map((state) => state.kind)).toEqual(['reconnecting', 'connected', 'ended']);
    expect(states[0]).toMatchObject({ opened: false, attempt: 0, retryInMs: 500 });
    expect(states[2]).not.toHaveProperty('error');
    expect(requests).toEqual(['/api/logs/cigar%3Aproduction/follow?lines=3', '/api/logs/cigar%3Aproduction/follow?lines=3']);
  });

  it('Given an agent that sends a line in a shape this hms does not know, When following, Then that error ends it, no retry', async () => {
    const { url } = await listen((_request, respond) => respond(`event: line\ndata: ${JSON.stringify({ txt: 1 })}\n\n`));
    const client = await clientFor(url);
    const states: FollowState[] = [];
    const events = followLog(client, 'cigar:production', { onState: (state) => states.push(state) });
    const error = await events.next().catch((e: unknown) => e);
    expect((error as HmsError).message).toBe('The agent on raw sent a "line" event in a shape this hms does not know.');
    expect((error as HmsError).hint).toContain('hms update-hosting-api');
    expect(states.map((state) => state.kind)).toEqual(['connected', 'ended']);
    expect(states[1]).toMatchObject({ error });
  });

  it(
    'Given a follow, When the agent comes back with a rotated token, ' + 'Then the 401 ends it with the login hint instead of retrying',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'hms-follow-'));
      const root = path.join(dir, 'cigar');
      await mkdir(path.join(root, 'shared', 'log'), { recursive: true });
      await writeFile(path.join(root, 'shared', 'log', 'production.log'), 'I, [2026-11-25T18:02:11.000000 #7]  INFO -- : hello\n');
      const served = await servedAgent({ config: { apps: { cigar: { unit: 'cigar.service', root } } } });
      cleanups.push(() => served.dispose());
      const connected = await served.connect();
      cleanups.push(() => connected.close());
      const notes: string[] = [];
      const events = followLog(connected.client, 'cigar:production', { lines: 1, onState: noting(notes) });
      expect((await events.next()).value).toMatchObject({ kind: 'line', line: { text: expect.stringContaining('hello') } });
      await served.stop();
      await served.start({ token: 'rotated-token-0123456789abcdef0123456789' });
      const error = await events.next().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AgentError);
      expect((error as AgentError).status).toBe(401);
      expect((error as HmsError).hint).toContain('hms login test');
      expect(notes).toEqual(['lost the connection (other side closed); reconnecting… (for up to 5 min)']);
    },
  );
});

/**
 * The SSH transport through a holder, in one process: a real HolderServer on a real Unix socket whose
 * "SSH connection" forwards to a real HTTP server on loopback (the SSH side itself runs against a real
 * server in tests/e2e/holder.e2e.test.ts). The JSON calls go over plain-http.ts, and reaching the server
 * (--all, the TUI) opens the stream the first request then uses.
 */
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { openTransport } from '../../src/client/transport.js';
import type { ServerConfig } from '../../src/config/schema.js';
import { holderKey, socketPathFor } from '../../src/holder/paths.js';
import { HolderServer } from '../../src/holder/server.js';
import type { SshConnection } from '../../src/ssh/connection.js';
import { targetFor } from '../../src/ssh/target.js';

const answer = { hostname: 'web1', version: '0.1.0', at: '2026-12-07T13:00:00.000Z', apps: [], unknownLater: 1 };

describe('the transport through a holder', () => {
  let dir: string;
  let http: Server;
  let holder: HolderServer;
  let forwards = 0;
  const requests: string[] = [];
  const server = { host: '10.0.0.2', port: 22, user: 'root', knownHostsFile: '/kh', agentPort: 8790 } as ServerConfig;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-holder-transport-'));
    await mkdir(path.join(dir, 'hms'), { mode: 0o700 });
    await writeFile(path.join(dir, 'known_hosts'), '10.0.0.2 ssh-ed25519 AAAA1\n');
    http = createServer((request, response) => {
      requests.push(`${request.method} ${request.url} ${request.headers.authorization}`);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(answer));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    // The holder's kept connection: each forward a TCP connection to the HTTP server, counted.
    const ssh = {
      isOpen: true,
      forward: async () => {
        forwards += 1;
        const socket = net.connect(port, '127.0.0.1');
        await new Promise((resolve) => socket.once('connect', resolve));
        return socket;
      },
      close: () => undefined,
    } as unknown as SshConnection;
    const key = holderKey({ ...targetFor('test', server), agentPort: server.agentPort });
    holder = new HolderServer(
      {
        server: 'test',
        socketPath: socketPathFor(path.join(dir, 'hms'), 'test', key)!,
        key,
        agentPort: server.agentPort,
        idleMs: 60_000,
        idleMinutes: 1,
        connect: async () => ssh,
        hostLines: () => readFile(path.join(dir, 'known_hosts'), 'utf8'),
      },
      ssh,
    );
    await holder.listen();
  });
  afterAll(async () => {
    await holder?.stop();
    http?.closeAllConnections();
    await new Promise((resolve) => http?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const open = () =>
    openTransport('test', server, 'ssh', undefined, {
      entry: '/nonexistent/hms-holder.mjs',
      idleMinutes: 1,
      env: { XDG_RUNTIME_DIR: dir },
      note: (text) => {
        throw new Error(`unexpected note: ${text}`);
      },
    });

  it('Given a warm holder, When a JSON call is made, Then it goes through the holder with the token, checked like zod', async () => {
    const transport = await open();
    const client = new ApiClient('test', transport, 'tok_1', 'alice@laptop');
    try {
      const before = forwards;
      const apps = await client.apps();
      expect(apps).toEqual({ hostname: 'web1', version: '0.1.0', at: answer.at, apps: [] });
      expect(forwards - before).toBe(1);
      expect(requests.at(-1)).toBe('GET /api/apps Bearer tok_1');
    } finally {
      await client.close();
    }
  });

  it('Given a server reached first (--all), When a call follows, Then it uses the stream reach opened', async () => {
    const transport = await open();
    const client = new ApiClient('test', transport, 'tok_1', 'alice@laptop');
    try {
      const before = forwards;
      await transport.reach!();
      await client.apps();
      expect(forwards - before).toBe(1);
      // The next call opens its own.
      await client.apps();
      expect(forwards - before).toBe(2);
    } finally {
      await client.close();
    }
  });
});

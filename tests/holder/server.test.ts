/**
 * The holder's socket server and protocol over a real Unix socket: info, stop, the idle exit (not while
 * a client is connected), stale when the host's known_hosts lines change, and an error answer the
 * client turns back into the same HostKeyError. The forwarding itself runs against a real server in
 * tests/e2e/holder.e2e.test.ts.
 */
import { lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSocket, holderKey } from '../../src/holder/paths.js';
import { rebuildError, request } from '../../src/holder/protocol.js';
import { HolderServer, type HolderOptions } from '../../src/holder/server.js';
import type { SshConnection } from '../../src/ssh/connection.js';
import { HostKeyError } from '../../src/ssh/errors.js';
import { waitUntil } from '../support/wait-for.js';

const key = holderKey({ user: 'root', host: '10.0.0.2', port: 22, knownHostsFile: '/kh', agentPort: 8790 });

describe('the holder socket server', () => {
  let dir: string;
  let knownHosts: string;
  const holders: HolderServer[] = [];
  const start = async (options: Partial<HolderOptions> = {}) => {
    const holder = new HolderServer(
      {
        server: 'test',
        socketPath: path.join(dir, 'test.sock'),
        key,
        agentPort: 8790,
        idleMs: 60_000,
        idleMinutes: 1,
        connect: () => Promise.reject(new Error('no server in this test')),
        hostLines: () => readFile(knownHosts, 'utf8'),
        ...options,
      },
      undefined,
    );
    holders.push(holder);
    await holder.listen();
    return holder;
  };
  const ask = async (message: Parameters<typeof request>[1]) => {
    const { answer, socket } = await request(path.join(dir, 'test.sock'), message);
    return { answer, socket: socket as net.Socket };
  };
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-holder-server-'));
    knownHosts = path.join(dir, 'known_hosts');
    await writeFile(knownHosts, '10.0.0.2 ssh-ed25519 AAAA1\n');
  });
  afterEach(async () => {
    await Promise.all(holders.splice(0).map((holder) => holder.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  it('Given a holder, When asked for info, Then it answers its pid, server and client count; its socket is 0600', async () => {
    await start();
    const { answer, socket } = await ask({ v: 1, op: 'info' });
    socket.destroy();
    expect(answer).toMatchObject({ ok: true, pid: process.pid, server: 'test', idleMinutes: 1, clients: 1 });
    expect((await lstat(path.join(dir, 'test.sock'))).mode & 0o777).toBe(0o600);
  });

  it('Given a holder, When told to stop, Then it answers, closes, and removes its socket', async () => {
    const holder = await start();
    const { answer, socket } = await ask({ v: 1, op: 'stop' });
    socket.destroy();
    expect(answer).toEqual({ ok: true, pid: process.pid });
    await holder.done;
    expect(await checkSocket(path.join(dir, 'test.sock'))).toEqual({ state: 'absent' });
  });

  it('Given a short idle time, When no client comes, Then it exits; while a client is connected it does not', async () => {
    const holder = await start({ idleMs: 300 });
    const { socket } = await ask({ v: 1, op: 'info' });
    // An open connection keeps it: still there after twice the idle time.
    const client = await import('node:net').then((net) => net.connect(path.join(dir, 'test.sock')));
    socket.destroy();
    await new Promise((resolve) => client.once('connect', resolve));
    expect(await waitUntil(async () => (await checkSocket(path.join(dir, 'test.sock'))).state === 'absent', 600)).toBe(false);
    client.destroy();
    await holder.done;
    expect(await checkSocket(path.join(dir, 'test.sock'))).toEqual({ state: 'absent' });
  });

  it(
    'Given the host key line changed in known_hosts, ' + 'When a client asks to forward, Then the holder answers stale and is gone first',
    async () => {
      const holder = await start();
      await writeFile(knownHosts, '10.0.0.2 ssh-ed25519 AAAA2\n');
      const { answer, socket } = await ask({ v: 1, op: 'forward', key });
      socket.destroy();
      expect(answer).toEqual({ stale: true });
      expect(await checkSocket(path.join(dir, 'test.sock'))).toEqual({ state: 'absent' });
      await holder.done;
    },
  );

  it('Given another key, When a client asks to forward, Then the answer is stale', async () => {
    await start();
    const { answer, socket } = await ask({ v: 1, op: 'forward', key: `${key} ` });
    socket.destroy();
    expect(answer).toEqual({ stale: true });
  });

  it(
    'Given reconnecting fails on a changed host key, ' +
      'When a client asks to forward, Then it gets the same HostKeyError back and the holder exits',
    async () => {
      const changed = new HostKeyError('WARNING: THE HOST KEY OF 10.0.0.2 HAS CHANGED.', 'changed', 'SHA256:x', 'ssh-keygen -R 10.0.0.2');
      const holder = await start({ connect: () => Promise.reject(changed) });
      const { answer, socket } = await ask({ v: 1, op: 'forward', key });
      socket.destroy();
      if (!('error' in answer)) throw new Error(JSON.stringify(answer));
      const rebuilt = rebuildError(answer.error);
      expect(rebuilt).toBeInstanceOf(HostKeyError);
      expect([rebuilt.message, rebuilt.hint, (rebuilt as HostKeyError).kind]).toEqual([changed.message, changed.hint, 'changed']);
      await holder.done;
    },
  );

  it(
    'Given a holder, ' + 'When a second one listens on the same path, Then its bind fails with EADDRINUSE and the first keeps serving',
    async () => {
      await start();
      await expect(start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
      const { answer, socket } = await ask({ v: 1, op: 'info' });
      socket.destroy();
      expect(answer).toMatchObject({ ok: true });
    },
  );

  it(
    "Given a client served, When the next one asks, Then its channel is opened then, not before: the holder's ok says the " +
      'server answered just now (a channel opened ahead on a connection that died since would say it as well)',
    async () => {
      const channels: Duplex[] = [];
      const fake = {
        isOpen: true,
        forward: async () => {
          const channel = new Duplex({ read: () => undefined, write: (_chunk, _encoding, done) => done() });
          channels.push(channel);
          return channel;
        },
        close: () => undefined,
      };
      await start({ connect: async () => fake as unknown as SshConnection });
      const through = async () => {
        const { answer, socket } = await ask({ v: 1, op: 'forward', key });
        expect(answer).toMatchObject({ ok: true });
        socket.destroy();
      };
      await through();
      expect(await waitUntil(() => channels.length > 1, 300)).toBe(false);
      await through();
      expect(channels).toHaveLength(2);
    },
  );
});

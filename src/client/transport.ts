/**
 * How the laptop reaches an agent: through SSH (default: HTTP over `forwardOut` to
 * the agent's loopback port) or HTTPS to the server's public URL. Nothing else
 * differs. Only src/client/ imports undici.
 */
import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { HmsError } from '../core/errors.js';
import type { ServerConfig } from '../config/schema.js';
import type { SshConnection } from '../ssh/connection.js';
import type { SshPool } from '../ssh/pool.js';
import { targetFor } from '../ssh/target.js';
import { HolderTunnel, type HolderSettings } from './holder-client.js';

export type Via = 'ssh' | 'https';

export interface Transport {
  via: Via;
  /** Base URL requests are made against (the host part is nominal for ssh). */
  baseUrl: string;
  /** undici's dispatcher (streams, HTTPS), or how to make it when first needed: a command answered whole never loads undici. */
  dispatcher: Dispatcher | (() => Promise<Dispatcher>);
  /** A new stream to the agent's HTTP port (SSH only): requests answered whole go over it without undici (plain-http.ts). */
  open?: () => Promise<Duplex>;
  /** The SSH connection the tunnel runs over (not for --via https): for sessions with a terminal. */
  ssh?: () => Promise<SshConnection>;
  /**
   * Resolves once the server answers at all: through a holder, a channel to the agent opened and
   * closed (a round trip on its kept connection); else this process's SSH handshake done.
   */
  reach?: () => Promise<void>;
  /** Requests go through a holder, which may die under one: a GET is sent again (once) on a direct connection. */
  viaHolder?: boolean;
  close(): Promise<void>;
}

/**
 * `holder`: reach the agent through the server's holder (src/client/holder-client.ts); without it,
 * every connection is this process's own. ssh2 and node:crypto load only when this process connects itself.
 */
export async function openTransport(
  name: string,
  server: ServerConfig,
  via: Via,
  pool?: SshPool,
  holder?: HolderSettings,
): Promise<Transport> {
  if (via === 'https') {
    if (!server.publicUrl) {
      throw new HmsError(`servers.${name}.publicUrl is not set, so --via https has nowhere to go.`, {
        hint: `Add "publicUrl": "https://..." to servers.${name}, or use the SSH tunnel (the default).`,
      });
    }
    const ca = server.caFile ? await readFile(server.caFile, 'utf8') : undefined;
    const { Agent } = await import('undici');
    const dispatcher = new Agent({ connect: ca ? { ca } : {}, connectTimeout: 10_000 });
    // When hms is done with a server, idle keep-alive sockets need no goodbye.
    return { via, baseUrl: server.publicUrl.replace(/\/$/, ''), dispatcher, close: () => dispatcher.destroy() };
  }
  const target = targetFor(name, server);
  let ownPool: Promise<SshPool> | undefined = pool && Promise.resolve(pool);
  const ssh = async () => (await (ownPool ??= import('../ssh/pool.js').then(({ SshPool }) => new SshPool()))).get(target);
  const direct = async () => (await ssh()).forward(server.agentPort);
  const tunnel = holder && new HolderTunnel(name, target, server.agentPort, holder, direct);
  const spare = new SpareStream(tunnel ? () => tunnel.open() : direct);
  const open = () => spare.take();
  let dispatcher: Promise<Dispatcher> | undefined;
  return {
    via,
    baseUrl: 'http://hms-agent',
    dispatcher: () => (dispatcher ??= import('./tunnel-dispatcher.js').then(({ streamDispatcher }) => streamDispatcher(open))),
    open,
    ssh,
    // Through a holder, reaching the server is opening a stream to the agent: kept for the request that follows.
    reach: tunnel
      ? () => spare.keep()
      : async () => {
          await ssh();
        },
    ...(tunnel ? { viaHolder: true } : {}),
    async close() {
      spare.drop();
      if (dispatcher) await (await dispatcher).destroy();
      await tunnel?.finish();
      if (ownPool) await (await ownPool).closeAll();
    },
  };
}

/**
 * A stream to the agent opened ahead (by reach) and given to the next request, so that `--all` and the
 * TUI's overview open one channel per server before their first answer, not two. One not taken within
 * SPARE_MS is closed: the agent may close an idle connection, and a request must not meet it dead.
 */
class SpareStream {
  private spare: { stream: Promise<Duplex>; at: number } | undefined;

  constructor(private readonly open: () => Promise<Duplex>) {}

  async keep(): Promise<void> {
    this.drop();
    const stream = this.open();
    this.spare = { stream, at: Date.now() };
    try {
      await stream;
    } catch (error) {
      if (this.spare?.stream === stream) this.spare = undefined;
      throw error;
    }
  }

  take(): Promise<Duplex> {
    const spare = this.spare;
    this.spare = undefined;
    if (spare && Date.now() - spare.at < SPARE_MS) return spare.stream;
    if (spare)
      void spare.stream.then(
        (stream) => stream.destroy(),
        () => undefined,
      );
    return this.open();
  }

  drop(): void {
    const spare = this.spare;
    this.spare = undefined;
    if (spare)
      void spare.stream.then(
        (stream) => stream.destroy(),
        () => undefined,
      );
  }
}

const SPARE_MS = 2_000;

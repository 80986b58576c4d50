/**
 * The holder's socket server: one SSH connection, kept, and a fresh `forwardOut` channel to the
 * agent for each client that asks, opened when it asks: its `ok` says the server answered just now,
 * which is what a reach check (`--all`, the overview) waits for. It exits when idle, when asked to
 * stop, when a client brings another key (stale), when the server's known_hosts lines change, or
 * when its socket path is no longer its own socket.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { SshConnection } from '../ssh/connection.js';
import { checkSocket, unlinkOwnSocket } from './paths.js';
import { errorShape, readLine, writeLine, type Answer, type Request } from './protocol.js';

export interface HolderOptions {
  server: string;
  socketPath: string;
  key: string;
  agentPort: number;
  idleMs: number;
  idleMinutes: number;
  /** A new SSH connection, its host key checked (connectSsh). */
  connect: () => Promise<SshConnection>;
  /** The known_hosts lines of this host now (a fingerprint of the trust the connection was made under). */
  hostLines: () => Promise<string>;
  /** How often the socket and known_hosts are checked. */
  watchMs?: number;
  /** How long a channel may take to open before the connection is taken for dead. */
  forwardTimeoutMs?: number;
}

export class HolderServer {
  private readonly listener = net.createServer((socket) => void this.serve(socket));
  private readonly since = new Date().toISOString();
  private clients = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private ino: number | undefined;
  private hostLines = '';
  private stopping: Promise<void> | undefined;
  private exited!: () => void;
  /** Resolves once the holder has stopped (its listener closed, its socket removed). */
  readonly done = new Promise<void>((resolve) => {
    this.exited = resolve;
  });

  constructor(
    private readonly options: HolderOptions,
    private ssh: SshConnection | undefined,
  ) {}

  /** Listens with umask 0177 (the socket is born 0600), then checks the socket is its own. */
  async listen(): Promise<void> {
    this.hostLines = await this.options.hostLines();
    const previous = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        this.listener.once('error', reject);
        this.listener.listen(this.options.socketPath, () => {
          this.listener.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(previous);
    }
    const state = await checkSocket(this.options.socketPath);
    if (state.state !== 'ours') {
      this.listener.close();
      throw new Error(state.state === 'refused' ? state.problem : 'the socket vanished after listen');
    }
    this.ino = state.ino;
    this.armIdle();
    this.watchTimer = setInterval(() => void this.watch(), this.options.watchMs ?? 30_000);
  }

  info(): Answer {
    const { server, idleMinutes } = this.options;
    return { ok: true, pid: process.pid, server, since: this.since, idleMinutes, clients: this.clients };
  }

  private async serve(socket: net.Socket): Promise<void> {
    socket.on('error', () => socket.destroy());
    this.clients += 1;
    this.disarmIdle();
    socket.once('close', () => {
      this.clients -= 1;
      if (this.clients === 0) this.armIdle();
    });
    let request: Request;
    try {
      request = JSON.parse(await readLine(socket, 10_000)) as Request;
    } catch {
      socket.destroy();
      return;
    }
    if (request.op === 'info') return void socket.end(`${JSON.stringify(this.info())}\n`);
    if (request.op === 'stop') {
      socket.end(`${JSON.stringify({ ok: true, pid: process.pid })}\n`);
      return void this.stop();
    }
    if (request.op !== 'forward') return void socket.destroy();
    // Another key is stale at once; known_hosts is read while the channel opens, which is closed unused if it changed.
    const opening = request.key === this.options.key ? this.forward() : undefined;
    opening?.catch(() => undefined);
    if (!opening || (await this.options.hostLines()) !== this.hostLines) {
      opening?.then(
        (unused) => unused.destroy(),
        () => undefined,
      );
      // Gone before the answer: the client that starts the next holder finds the path free.
      await this.stop();
      return void socket.end(`${JSON.stringify({ stale: true })}\n`);
    }
    let channel: Duplex;
    try {
      channel = await opening;
    } catch (error) {
      socket.end(`${JSON.stringify({ error: errorShape(error) })}\n`);
      // No connection (a new one failed: a changed host key, the server gone): this holder is done.
      // A refused channel on a live connection (the agent restarting) is the agent's, not the holder's.
      if (!this.ssh?.isOpen) void this.stop();
      return;
    }
    writeLine(socket, { ok: true, pid: process.pid });
    channel.on('error', () => socket.destroy());
    channel.on('close', () => socket.destroy());
    socket.on('close', () => channel.destroy());
    socket.pipe(channel);
    channel.pipe(socket);
    socket.resume();
  }

  /**
   * A channel to the agent. A connection that does not open one in time is taken for dead (a laptop
   * back from sleep: its TCP connection is gone, and SSH keep-alives have not said so yet): it is
   * closed and a new one is made, once.
   */
  private async forward(): Promise<Duplex> {
    const ssh = await this.connection();
    const opened = ssh.forward(this.options.agentPort);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.options.forwardTimeoutMs ?? 5_000);
    });
    const channel = await Promise.race([opened, late]).finally(() => clearTimeout(timer));
    if (channel) return channel;
    opened.then(
      (stray) => stray.destroy(),
      () => undefined,
    );
    ssh.close();
    if (this.ssh === ssh) this.ssh = undefined;
    return (await this.connection()).forward(this.options.agentPort);
  }

  /** The kept connection, or a new one (host key checked again) after it dropped. */
  private async connection(): Promise<SshConnection> {
    if (this.ssh?.isOpen) return this.ssh;
    this.ssh = undefined;
    this.ssh = await this.options.connect();
    return this.ssh;
  }

  private armIdle(): void {
    this.disarmIdle();
    this.idleTimer = setTimeout(() => void this.stop(), this.options.idleMs);
  }

  private disarmIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Every 30 s: still our socket at our path, and the same known_hosts lines for this host. */
  private async watch(): Promise<void> {
    const state = await checkSocket(this.options.socketPath);
    if (state.state !== 'ours' || state.ino !== this.ino) return this.stop();
    const lines = await this.options.hostLines().catch(() => undefined);
    if (lines !== this.hostLines) return this.stop();
  }

  /** Closes the listener, removes the socket (only while it is still ours), and ends the SSH connection. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.disarmIdle();
      if (this.watchTimer) clearInterval(this.watchTimer);
      this.listener.close();
      await unlinkOwnSocket(this.options.socketPath, this.ino);
      this.ssh?.close();
      this.exited();
    })();
    return this.stopping;
  }
}

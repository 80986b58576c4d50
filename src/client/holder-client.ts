/**
 * The client side of the connection that stays: an hms command reaches the agent through its
 * server's holder (src/holder/) when one answers, and otherwise connects directly for this run and
 * starts a holder in the background for the commands that follow. Nothing here loads ssh2 or
 * node:crypto: a command served by a warm holder never pays for them (the direct path imports
 * them on demand).
 */
import type { Duplex } from 'node:stream';
import type { SshTarget } from '../ssh/target.js';
import { checkSocket, holderKey, prepareRuntimeDir, runtimeDir, socketPathFor, unlinkOwnSocket } from '../holder/paths.js';
import { rebuildError, request } from '../holder/protocol.js';

/** How long a command may keep its own connection before the holder for the next ones starts anyway. */
const START_AFTER_MS = 1_000;

export interface HolderSettings {
  /** The built holder program (dist/hms-holder.mjs). */
  entry: string;
  idleMinutes: number;
  /** The configuration file: the holder exits when it changes (the next command starts one from the new). */
  configFile?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Says once, on stderr, why the connection is not kept (an unsafe runtime folder or socket). */
  note: (text: string) => void;
}

export class HolderTunnel {
  private socketPath: Promise<string | undefined> | undefined;
  private started = false;
  /** The socket path of a holder to start once this run is done with the connection. */
  private pending: string | undefined;
  private readonly key: string;

  constructor(
    private readonly server: string,
    private readonly target: SshTarget,
    private readonly agentPort: number,
    private readonly settings: HolderSettings,
    /** A stream to the agent over this process's own SSH connection. */
    private readonly direct: () => Promise<Duplex>,
  ) {
    this.key = holderKey({ ...target, agentPort });
  }

  /** A stream to the agent: through the holder when one serves, else direct (and a holder started). */
  async open(): Promise<Duplex> {
    const socketPath = await (this.socketPath ??= this.prepare());
    if (!socketPath) return this.direct();
    let answer: Awaited<ReturnType<typeof request>>['answer'];
    let socket: Awaited<ReturnType<typeof request>>['socket'];
    try {
      ({ answer, socket } = await request(socketPath, { v: 1, op: 'forward', key: this.key }));
    } catch (error) {
      // No holder (ENOENT), a dead one (ECONNREFUSED: its socket stayed), or one that died before it
      // answered: nothing of the request was sent, so this run goes direct, and the next one finds a holder.
      return this.directThenStart(socketPath, await this.replace(socketPath, (error as NodeJS.ErrnoException).code));
    }
    if ('ok' in answer) return socket;
    socket.destroy();
    // Its connection dropped and a new one failed: the same error a direct connection reports.
    if ('error' in answer) throw rebuildError(answer.error);
    // Stale (known_hosts changed): that holder is gone; a new one checks the host key afresh.
    return this.directThenStart(socketPath, true);
  }

  /**
   * This run's own connection; a holder is started only once it worked (a server that refuses gets no
   * holder), and not before this run's requests: its start (a Node process, an SSH handshake) would take
   * the CPU they need. It starts when the command is done with the connection (finish), or after
   * START_AFTER_MS for a command that keeps it (a follow, the TUI).
   */
  private async directThenStart(socketPath: string, start: boolean): Promise<Duplex> {
    const stream = await this.direct();
    if (start && !this.pending && !this.started) {
      this.pending = socketPath;
      setTimeout(() => void this.finish(), START_AFTER_MS).unref();
    }
    return stream;
  }

  /** Starts the holder this run found missing, if any (transport.close awaits it: the process exits right after). */
  async finish(): Promise<void> {
    const socketPath = this.pending;
    this.pending = undefined;
    if (socketPath) await this.start(socketPath);
  }

  /** The socket path, once the runtime folder and any socket already there pass the checks; else undefined. */
  private async prepare(): Promise<string | undefined> {
    const dir = runtimeDir(this.settings.env);
    const problem = await prepareRuntimeDir(dir);
    if (problem) return this.refuse(problem);
    const socketPath = socketPathFor(dir, this.server, this.key);
    if (!socketPath)
      return this.refuse(`the socket path in ${dir} would be too long for a Unix socket; set XDG_RUNTIME_DIR to a shorter folder.`);
    const state = await checkSocket(socketPath);
    return state.state === 'refused' ? this.refuse(state.problem) : socketPath;
  }

  private refuse(problem: string): undefined {
    this.settings.note(`hms: connecting directly, not keeping the SSH connection: ${problem}`);
    return undefined;
  }

  /** After no holder answered: removes a dead one's socket (after the checks); true when the path is free for a new one. */
  private async replace(socketPath: string, code: string | undefined): Promise<boolean> {
    if (code === 'ECONNREFUSED') await unlinkOwnSocket(socketPath);
    const state = await checkSocket(socketPath);
    if (state.state === 'refused') this.socketPath = Promise.resolve(this.refuse(state.problem));
    return state.state === 'absent';
  }

  /** One holder start per process; two commands racing start two, and the one that loses the bind exits. */
  private async start(socketPath: string): Promise<void> {
    if (this.started) return;
    this.started = true;
    // node:child_process loads only to start one: a command a warm holder serves never needs it.
    const { startHolder } = await import('../holder/spawn.js');
    startHolder(
      this.settings.entry,
      {
        server: this.server,
        socketPath,
        target: this.target,
        agentPort: this.agentPort,
        idleMinutes: this.settings.idleMinutes,
        ...(this.settings.configFile ? { configFile: this.settings.configFile } : {}),
      },
      this.settings.env,
    );
  }
}

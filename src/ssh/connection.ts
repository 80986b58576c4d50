/**
 * The one door to SSH (only this folder imports ssh2): connect with the host key
 * checked, exec with streamed output, SFTP upload, and TCP forwarding to a port on
 * the server's loopback interface.
 */
import { quoteArgv } from './quote.js';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { HmsError } from '../core/errors.js';
import { connectError, describeTarget } from './errors.js';
import { hostKeyCheck } from './host-key-check.js';
import { killGroupScript, remoteCommand, runOnChannel, type RemoteExecOptions, type RemoteExecResult } from './remote-exec.js';
import { SessionLimit } from './session-limit.js';
import type { SshTarget } from './target.js';

export async function connectSsh(target: SshTarget): Promise<SshConnection> {
  const check = await hostKeyCheck(target);
  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username: target.user,
    readyTimeout: target.readyTimeoutMs ?? 15_000,
    keepaliveInterval: 15_000,
    hostVerifier: (key: Buffer) => check.verify(key),
  };
  if (check.algorithms) config.algorithms = { serverHostKey: check.algorithms as never };
  if (target.identityFile) {
    try {
      config.privateKey = await readFile(target.identityFile);
    } catch (error) {
      throw new HmsError(`Cannot read the SSH key ${target.identityFile}.`, {
        hint: `Check servers.${target.label ?? target.host}.identityFile, or remove it to use ssh-agent.`,
        cause: error,
      });
    }
  } else if (process.env.SSH_AUTH_SOCK) {
    config.agent = process.env.SSH_AUTH_SOCK;
  } else {
    throw new HmsError(`No SSH key for ${describeTarget(target)}: no identityFile and no ssh-agent.`, {
      hint: `Set servers.${target.label ?? target.host}.identityFile, or start ssh-agent and ssh-add your key.`,
    });
  }

  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    // ssh2 may report more than one error for one failed handshake: keep listening.
    client.on('error', (error) => reject(check.failure() ?? connectError(target, error)));
    try {
      client.connect(config);
    } catch (error) {
      reject(
        new HmsError(`Cannot use the SSH key ${target.identityFile}: ${(error as Error).message}.`, {
          hint: 'hms reads OpenSSH and PEM keys without a passphrase; for a protected key, add it to ssh-agent and remove identityFile.',
          cause: error,
        }),
      );
    }
  });
  return new SshConnection(client, target);
}

export class SshConnection {
  private closed = false;
  private readonly sessions = new SessionLimit(6);
  private readonly closeListeners = new Set<() => void>();

  constructor(
    private readonly client: Client,
    readonly target: SshTarget,
  ) {
    client.on('error', () => {
      // Errors after `ready` end the connection; 'close' below reports it.
    });
    client.on('close', () => {
      this.closed = true;
      for (const listener of this.closeListeners) listener();
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Runs argv on the server. Resolves with the exit code; never rejects for a
   * non-zero one. A timeout or abort kills the command's process group on the
   * server (see remote-exec.ts).
   */
  exec(argv: readonly string[], options: RemoteExecOptions = {}): Promise<RemoteExecResult> {
    return this.sessions.run(() => this.execNow(argv, options));
  }

  private async execNow(argv: readonly string[], options: RemoteExecOptions): Promise<RemoteExecResult> {
    let channel: ClientChannel;
    try {
      channel = await this.openExec(remoteCommand(argv));
    } catch (error) {
      throw new HmsError(`Could not start \`${argv[0]}\` on ${this.target.host}: ${(error as Error).message}`, { cause: error });
    }
    return runOnChannel(channel, argv, options, (pid) => void this.killGroup(pid));
  }

  /**
   * Opens an exec channel. sshd frees a session slot a moment after the channel
   * closes, so a busy connection can see "open failed": retry that briefly.
   */
  private async openExec(command: string): Promise<ClientChannel> {
    for (let attempt = 0; ; attempt += 1) {
      this.ensureOpen();
      try {
        return await new Promise<ClientChannel>((resolve, reject) =>
          this.client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel))),
        );
      } catch (error) {
        if (attempt >= 6 || !/open failed/i.test((error as Error).message)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      }
    }
  }

  /**
   * Runs argv on the server in a terminal (a PTY of `term`, `rows` x `cols`): an interactive
   * session, for the caller to wire to its own terminal; `channel.setWindow` follows resizes.
   */
  async openTerminal(argv: readonly string[], window: { term: string; rows: number; cols: number }): Promise<ClientChannel> {
    this.ensureOpen();
    const pty = { term: window.term, rows: window.rows, cols: window.cols, width: 0, height: 0 };
    return new Promise<ClientChannel>((resolve, reject) =>
      // `exec` in the shell, no pid line first: the terminal is the program's alone, and sshd ends it with the session.
      this.client.exec(`exec ${quoteArgv(argv)}`, { pty }, (error, channel) => (error ? reject(error) : resolve(channel))),
    );
  }

  private async killGroup(pid: number): Promise<void> {
    if (!Number.isInteger(pid) || pid <= 1 || this.closed) return;
    await new Promise<void>((resolve) => {
      this.client.exec(killGroupScript(pid), (error, channel) => {
        if (error) return resolve();
        channel.on('close', () => resolve());
        channel.resume();
        channel.stderr.resume();
      });
    });
  }

  /**
   * Writes a file on the server with the given mode, atomically: a temporary file
   * in the same folder, chmod, then OpenSSH's posix-rename over the target.
   */
  upload(data: Buffer | string, remotePath: string, mode: number): Promise<void> {
    return this.sessions.run(() => this.uploadNow(data, remotePath, mode));
  }

  private async uploadNow(data: Buffer | string, remotePath: string, mode: number): Promise<void> {
    if (!path.posix.isAbsolute(remotePath)) throw new HmsError(`Upload path must be absolute: ${remotePath}`);
    const sftp = await this.sftp();
    const temp = path.posix.join(
      path.posix.dirname(remotePath),
      `.${path.posix.basename(remotePath)}.${randomBytes(6).toString('hex')}.tmp`,
    );
    const call = <T>(fn: (cb: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> =>
      new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value as T))));
    try {
      await call<void>((cb) => sftp.writeFile(temp, data, { mode }, (error) => cb(error)));
      await call<void>((cb) => sftp.chmod(temp, mode, (error) => cb(error)));
      await call<void>((cb) => sftp.ext_openssh_rename(temp, remotePath, (error) => cb(error)));
    } catch (error) {
      await call<void>((cb) => sftp.unlink(temp, () => cb(null))).catch(() => undefined);
      throw new HmsError(`Upload to ${this.target.host}:${remotePath} failed: ${(error as Error).message}`, {
        hint: 'Check that the folder exists and that the SSH user may write to it.',
        cause: error,
      });
    } finally {
      sftp.end();
    }
  }

  /** A TCP stream to `port` on the server's loopback interface (ssh -L without a local port). */
  forward(port: number, host = '127.0.0.1'): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      this.ensureOpen();
      this.client.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
        if (error) {
          reject(
            new HmsError(`Could not reach ${host}:${port} on ${this.target.host} through SSH: ${error.message}`, {
              hint: 'Is the agent running there (`systemctl status hms-agent`), and is agentPort right?',
              cause: error,
            }),
          );
        } else resolve(channel);
      });
    });
  }

  close(): void {
    this.client.end();
  }

  private sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => {
      this.ensureOpen();
      this.client.sftp((error, sftp) =>
        error ? reject(new HmsError(`SFTP failed on ${this.target.host}: ${error.message}`, { cause: error })) : resolve(sftp),
      );
    });
  }

  private ensureOpen(): void {
    if (this.closed)
      throw new HmsError(`The SSH connection to ${this.target.host} is closed.`, { hint: 'Retry; hms reconnects on the next call.' });
  }
}

import { connectSsh, type SshConnection } from './connection.js';
import type { SshTarget } from './target.js';

/**
 * One connection per server, shared by every call: the handshake is paid once.
 * A closed connection is dropped and the next call opens a new one.
 */
export class SshPool {
  private readonly connections = new Map<string, Promise<SshConnection>>();

  get(target: SshTarget): Promise<SshConnection> {
    const key = `${target.user}@${target.host}:${target.port}`;
    const existing = this.connections.get(key);
    if (existing) return existing;
    const opening = connectSsh(target).then(
      (connection) => {
        connection.onClose(() => {
          if (this.connections.get(key) === opening) this.connections.delete(key);
        });
        return connection;
      },
      (error: unknown) => {
        this.connections.delete(key);
        throw error;
      },
    );
    this.connections.set(key, opening);
    return opening;
  }

  async closeAll(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(
      all.map((opening) =>
        opening.then(
          (connection) => connection.close(),
          () => undefined,
        ),
      ),
    );
  }
}

import type { Config } from '../config/schema.js';
import { ApiClient } from '../client/api-client.js';
import { openTransport } from '../client/transport.js';
import { connectSsh, type SshConnection } from '../ssh/connection.js';
import { SshPool } from '../ssh/pool.js';
import { targetFor } from '../ssh/target.js';
import { sshHost, type Host } from './host.js';

/** An SSH session as the provisioning user, and a way to wait for the agent through the tunnel. */
export interface ProvisionSession {
  host: Host;
  waitHealthy(token: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function openProvisionSession(config: Config, name: string): Promise<ProvisionSession> {
  const server = config.servers[name]!;
  const connection: SshConnection = await connectSsh(targetFor(name, { ...server, user: server.provisionUser }));
  const pool = new SshPool();
  return {
    host: sshHost(name, connection),
    async waitHealthy(token, timeoutMs = 30_000) {
      const transport = await openTransport(name, { ...server, user: server.provisionUser }, 'ssh', pool);
      const client = new ApiClient(name, transport, token);
      const deadline = Date.now() + timeoutMs;
      try {
        for (;;) {
          try {
            await client.whoami();
            return;
          } catch (error) {
            if (Date.now() > deadline) throw error;
            await new Promise((resolve) => setTimeout(resolve, 300));
          }
        }
      } finally {
        await client.close();
      }
    },
    async close() {
      connection.close();
      await pool.closeAll();
    },
  };
}

import type { ServerConfig } from '../config/schema.js';

/** Everything needed to open one SSH connection. */
export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** Private key file; without it, ssh-agent is asked. */
  identityFile?: string | undefined;
  knownHostsFile: string;
  /** The server's name in the configuration, for messages. */
  label?: string;
  readyTimeoutMs?: number;
}

export function targetFor(name: string, server: ServerConfig): SshTarget {
  return {
    host: server.host,
    port: server.port,
    user: server.user,
    identityFile: server.identityFile,
    knownHostsFile: server.knownHostsFile,
    label: name,
  };
}

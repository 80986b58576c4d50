/**
 * HTTP through SSH: an undici dispatcher whose connections are `forwardOut`
 * channels to the agent's loopback port. Only src/client/ imports undici.
 */
import { Agent, type Dispatcher } from 'undici';
import type { SshConnection } from '../ssh/connection.js';

export function tunnelDispatcher(connection: () => Promise<SshConnection>, port: number): Dispatcher {
  return new Agent({
    connect: (_options, callback) => {
      connection()
        .then((ssh) => ssh.forward(port))
        .then(
          (channel) => callback(null, channel as never),
          (error: Error) => callback(error, null),
        );
    },
  });
}

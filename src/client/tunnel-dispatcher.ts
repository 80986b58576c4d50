/**
 * HTTP through SSH: an undici dispatcher whose connections are `forwardOut`
 * channels to the agent's loopback port. Only src/client/ imports undici.
 */
import type { Duplex } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import type { SshConnection } from '../ssh/connection.js';

export function tunnelDispatcher(connection: () => Promise<SshConnection>, port: number): Dispatcher {
  return streamDispatcher(async () => (await connection()).forward(port));
}

/** A dispatcher whose every connection is a stream `open` gives (an SSH channel, a holder's socket). */
export function streamDispatcher(open: () => Promise<Duplex>): Dispatcher {
  return new Agent({
    connect: (_options, callback) => {
      open().then(
        (channel) => callback(null, channel as never),
        (error: Error) => callback(error, null),
      );
    },
  });
}

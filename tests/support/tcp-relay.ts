/**
 * A TCP relay on the host between two test servers: each test server lives in its own
 * network namespace with a route to the host only, so one server reaches another's
 * sshd through the host side of its own veth, as servers reach each other over a
 * private network. Closing the relay is the other server going unreachable.
 */
import net from 'node:net';

export interface TcpRelay {
  readonly host: string;
  readonly port: number;
  /** Stops listening and cuts the connections open through it. */
  close(): Promise<void>;
  /** Listens again on the same address and port. */
  open(): Promise<void>;
}

export async function startRelay(listenHost: string, target: { host: string; port: number }, port = 0): Promise<TcpRelay> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let bound = port;
  const open = async () => {
    server = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(bound, listenHost, () => resolve());
    });
    bound = (server.address() as net.AddressInfo).port;
  };
  await open();
  return {
    host: listenHost,
    get port() {
      return bound;
    },
    open,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    },
  };
}

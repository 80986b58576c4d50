/**
 * A TCP port that accepts and never speaks: what the SSH handshake sees of a server
 * that drops packets or hangs. With a laptop key and an empty known_hosts to aim hms at it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exec } from '../../src/platform/exec.js';

export interface SilentServer {
  port: number;
  identityFile: string;
  knownHostsFile: string;
  stop(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-silent-'));
  const identityFile = path.join(dir, 'id_ed25519');
  const made = await exec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', identityFile]);
  if (made.code !== 0) throw new Error(`ssh-keygen: ${made.stderr}`);
  const knownHostsFile = path.join(dir, 'known_hosts');
  await writeFile(knownHostsFile, '');
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    identityFile,
    knownHostsFile,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `hms-holder` (dist/hms-holder.mjs): the background process that keeps one server's SSH connection
 * for the hms commands that follow, like OpenSSH's ControlPersist. Started detached by the first
 * command (src/holder/spawn.ts) with one argument, the JSON of HolderArgs (paths only, no secret: it
 * reads the key file itself, or asks ssh-agent through SSH_AUTH_SOCK). It connects first, then listens,
 * so a listening holder always has a connection. It has no terminal and no log: it exits quietly.
 */
import { connectSsh } from '../ssh/connection.js';
import { findHostKeys, readKnownHosts } from '../ssh/known-hosts.js';
import { checkRuntimeDir, checkSocket, holderKey, unlinkOwnSocket } from './paths.js';
import { request } from './protocol.js';
import { HolderServer } from './server.js';
import type { HolderArgs } from './spawn.js';
import { stat } from 'node:fs/promises';
import path from 'node:path';

async function main(raw: string | undefined): Promise<number> {
  const args = JSON.parse(raw ?? '') as HolderArgs;
  const { target, socketPath } = args;
  if ((await checkRuntimeDir(path.dirname(socketPath))) !== undefined) return 1;
  const key = holderKey({ ...target, agentPort: args.agentPort });
  // What the holder watches (on every request and every 30 s; a change makes it answer `stale` and exit):
  // the host's known_hosts lines, and the configuration file it was started from (its size and time).
  const hostLines = async () =>
    [
      ...findHostKeys(await readKnownHosts(target.knownHostsFile), target.host, target.port).map(
        (entry) => `${entry.revoked ? '@revoked ' : ''}${entry.type} ${entry.base64}`,
      ),
      args.configFile ? `config ${await stamp(args.configFile)}` : '',
    ].join('\n');
  const ssh = await connectSsh(target);
  const holder = new HolderServer(
    {
      server: args.server,
      socketPath,
      key,
      agentPort: args.agentPort,
      idleMinutes: args.idleMinutes,
      idleMs: args.idleMinutes * 60_000,
      connect: () => connectSsh(target),
      hostLines,
    },
    ssh,
  );
  try {
    await holder.listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !(await freeStaleSocket(socketPath))) {
      // Another holder won the race (or the path is not ours to take): it serves; this one goes.
      ssh.close();
      return 0;
    }
    await holder.listen();
  }
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => void holder.stop());
  await holder.done;
  return 0;
}

/** A file's size and modification time, or `missing`. */
async function stamp(file: string): Promise<string> {
  const info = await stat(file).catch(() => undefined);
  return info ? `${info.size} ${info.mtimeMs}` : 'missing';
}

/** True when nobody answers on the socket and it passed the checks and was removed: the path is free. */
async function freeStaleSocket(socketPath: string): Promise<boolean> {
  try {
    const { socket } = await request(socketPath, { v: 1, op: 'info' }, 2_000);
    socket.destroy();
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ECONNREFUSED' && code !== 'ENOENT') return false;
    if ((await checkSocket(socketPath)).state === 'absent') return true;
    return unlinkOwnSocket(socketPath);
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  () => process.exit(1),
);

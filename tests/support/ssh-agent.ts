/**
 * A real ssh-agent on a socket of its own (`ssh-agent -D -a`), for the code that
 * lists its keys. The test that starts it stops it, by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exec } from '../../src/platform/exec.js';
import { waitUntil } from './wait-for.js';

export interface TestSshAgent {
  socket: string;
  /** A new ed25519 key pair in the agent's folder (private key file returned), loaded with ssh-add. */
  addNewKey(comment: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startSshAgent(): Promise<TestSshAgent> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-ssh-agent-'));
  const socket = path.join(dir, 'agent.sock');
  const child: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'ignore', 'pipe'] });
  // The socket file appears at bind(2), before listen(2): wait until a connection is accepted.
  const accepting = () =>
    new Promise<boolean>((resolve) => {
      const probe = connect(socket, () => probe.end(() => resolve(true)));
      probe.once('error', () => resolve(false));
    });
  await waitUntil(async () => child.exitCode !== null || (existsSync(socket) && (await accepting())), 5000, 20);
  if (child.exitCode !== null || !existsSync(socket)) throw new Error(`ssh-agent did not start (exit ${child.exitCode})`);
  return {
    socket,
    async addNewKey(comment) {
      const file = path.join(dir, comment.replace(/[^a-z0-9]/gi, '_'));
      await exec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
      const added = await exec(['ssh-add', file], { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: socket } });
      if (added.code !== 0) throw new Error(`ssh-add failed: ${added.stderr}`);
      return file;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

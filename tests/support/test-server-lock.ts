import { spawn } from 'node:child_process';
import { hostEnv } from './test-server-process.js';

/**
 * Runs fn while holding an exclusive flock(2) on path. flock(1) holds the lock while
 * its `cat` child waits on our pipe; if this process dies for any reason the pipe
 * closes, cat exits and the kernel drops the lock, so a crash never leaves a stale lock.
 */
export async function withLock<T>(path: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const release = await acquire(path, timeoutMs);
  try {
    return await fn();
  } finally {
    await release();
  }
}

async function acquire(path: string, timeoutMs: number): Promise<() => Promise<void>> {
  const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
  const child = spawn('flock', ['--exclusive', '--timeout', seconds, path, 'cat'], {
    env: hostEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    // cat echoes our line only once flock has the lock and started it.
    child.stdout.once('data', () => resolve());
    child.once('close', (code) => reject(new Error(`could not lock ${path} within ${seconds} s (flock exit ${code}) ${stderr}`)));
    child.once('error', (err) => reject(new Error(`could not run flock: ${err.message}`, { cause: err })));
    child.stdin.write('locked\n');
  });
  return async () => {
    child.stdin.end();
    await exited;
  };
}

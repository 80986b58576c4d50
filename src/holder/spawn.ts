/**
 * Starts a server's holder in the background, detached from the command that starts it (its own
 * session, no stdio), so it outlives that command. Not through src/platform/exec.ts: that runner
 * bounds a child's time and waits for it; a holder's life is bounded by its idle timeout, and its
 * memory by the V8 limits below. Its argument carries paths and settings only, never a secret.
 */
import { spawn } from 'node:child_process';
import type { SshTarget } from '../ssh/target.js';

/** The holder's one argument (JSON): paths and settings, no secret. */
export interface HolderArgs {
  server: string;
  socketPath: string;
  target: SshTarget;
  agentPort: number;
  idleMinutes: number;
  /** The configuration file it was started from: a change to it ends the holder. */
  configFile?: string;
}

export const HOLDER_NODE_FLAGS = ['--max-old-space-size=64', '--max-semi-space-size=1'];

export function startHolder(entry: string, args: HolderArgs, env: NodeJS.ProcessEnv): number | undefined {
  const child = spawn(process.execPath, [...HOLDER_NODE_FLAGS, entry, JSON.stringify(args)], {
    detached: true,
    stdio: 'ignore',
    // Keeps no folder of the command's busy: its paths are absolute.
    cwd: '/',
    env,
  });
  child.on('error', () => undefined);
  child.unref();
  return child.pid;
}

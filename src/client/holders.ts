/**
 * The holders of this user (`hms disconnect`): every socket in the runtime folder that passes the
 * checks is asked who it is, then told to stop. A socket nobody answers on is a dead holder's: it is
 * removed (after the same checks). Nothing that fails them is touched.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { checkRuntimeDir, checkSocket, runtimeDir, serverOfSocket, unlinkOwnSocket } from '../holder/paths.js';
import { request, type HolderInfo } from '../holder/protocol.js';

export interface StoppedHolder {
  server: string;
  pid: number | undefined;
  socket: string;
  /** "stopped", or "dead" (nobody answered: its socket was removed). */
  state: 'stopped' | 'dead';
}

export interface HolderSweep {
  runtimeDir: string;
  stopped: StoppedHolder[];
  /** Files in the runtime folder that failed the checks, each with what to do. */
  refused: string[];
}

/** Stops every holder of this user, or those of one server. */
export async function stopHolders(env: NodeJS.ProcessEnv, server?: string): Promise<HolderSweep> {
  const dir = runtimeDir(env);
  const sweep: HolderSweep = { runtimeDir: dir, stopped: [], refused: [] };
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return sweep;
  }
  const problem = await checkRuntimeDir(dir);
  if (problem) return { ...sweep, refused: [problem] };
  for (const name of names.sort()) {
    const owner = serverOfSocket(name);
    if (!owner || (server !== undefined && owner !== server)) continue;
    const socket = path.join(dir, name);
    const state = await checkSocket(socket);
    if (state.state === 'refused') sweep.refused.push(state.problem);
    if (state.state !== 'ours') continue;
    const stopped = await stopOne(socket);
    sweep.stopped.push({ server: owner, socket, ...stopped });
  }
  return sweep;
}

async function stopOne(socket: string): Promise<{ pid: number | undefined; state: 'stopped' | 'dead' }> {
  let info: Partial<HolderInfo> = {};
  try {
    const asked = await request(socket, { v: 1, op: 'info' }, 2_000);
    asked.socket.destroy();
    if ('ok' in asked.answer) info = asked.answer;
    const told = await request(socket, { v: 1, op: 'stop' }, 2_000);
    told.socket.destroy();
    await waitUntilGone(socket, 2_000);
    return { pid: info.pid, state: 'stopped' };
  } catch {
    await unlinkOwnSocket(socket);
    return { pid: info.pid, state: 'dead' };
  }
}

/** Polls until a holder's socket is gone (it removes it on exit); false when it is still there after `timeoutMs`. */
async function waitUntilGone(socket: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if ((await checkSocket(socket)).state === 'absent') return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

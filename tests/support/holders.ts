/**
 * Connection holders the built `hms` starts in tests: every hms a test runs gets a runtime folder
 * of its own (XDG_RUNTIME_DIR, see holderRuntimeFor), recorded here, and after each test file the cleanup in
 * tests/support/holder-cleanup.ts stops every holder found in those folders (`stop` over the socket,
 * then SIGKILL by the pid `info` gave if it is still alive). No holder outlives its test file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { stopHolders } from '../../src/client/holders.js';
import { waitUntil } from './wait-for.js';

const registry = globalThis as { hmsHolderRuntimeDirs?: Set<string>; hmsHolderRuntimeDirsMade?: Set<string> };
const dirs = (registry.hmsHolderRuntimeDirs ??= new Set<string>());
const made = (registry.hmsHolderRuntimeDirsMade ??= new Set<string>());

/**
 * The XDG_RUNTIME_DIR for hms run in `cwd`: a 0700 folder of its own in the temp folder (not in `cwd`,
 * which tests inspect), the same for the same `cwd`, recorded for the cleanup.
 */
export function holderRuntimeFor(cwd: string): string {
  const dir = path.join(tmpdir(), `hms-run-${createHash('sha256').update(path.resolve(cwd)).digest('hex').slice(0, 12)}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  dirs.add(dir);
  made.add(dir);
  return dir;
}

/** Records a runtime folder a test chose itself. */
export function recordRuntimeDir(dir: string): void {
  dirs.add(dir);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the holders in every recorded runtime folder (or the given ones); returns the pids it stopped. */
export async function stopTestHolders(only?: string[]): Promise<number[]> {
  const pids: number[] = [];
  for (const dir of only ?? [...dirs]) {
    const sweep = await stopHolders({ XDG_RUNTIME_DIR: dir });
    for (const holder of sweep.stopped) if (holder.pid) pids.push(holder.pid);
  }
  // A test file that removed its folder first leaves no socket to find: its holders are found by the
  // socket path in their argument (a folder of this test run), then stopped by pid.
  pids.push(...(await holderPidsIn(only ?? [...dirs])));
  for (const pid of pids) {
    if (alive(pid)) process.kill(pid, 'SIGTERM');
    if (!(await waitUntil(() => !alive(pid), 3_000))) process.kill(pid, 'SIGKILL');
  }
  // The folders made here go too (a folder a test chose itself is its own to remove).
  for (const dir of only ?? [...dirs]) {
    if (made.has(dir)) await rm(dir, { recursive: true, force: true });
  }
  return pids;
}

/** The pids of holder processes whose socket is in one of these runtime folders. */
async function holderPidsIn(runtimeDirs: string[]): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (!argv.includes('hms-holder.mjs')) continue;
    if (runtimeDirs.some((dir) => argv.includes(`"socketPath":${JSON.stringify(path.join(dir, 'hms')).slice(0, -1)}/`)))
      pids.push(Number(entry));
  }
  return pids;
}

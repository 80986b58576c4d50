import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, join } from 'node:path';
import { waitUntil } from './wait-for.js';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

// A root shell reached through `su` or a CI runner may lack the sbin directories,
// where ip, debootstrap and apt-cacher-ng live.
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

export function hostEnv(): NodeJS.ProcessEnv {
  const path = [process.env.PATH ?? '/usr/bin:/bin', ...SBIN_DIRS].join(delimiter);
  return { ...process.env, PATH: path };
}

export function findTool(name: string): string | undefined {
  const dirs = (hostEnv().PATH ?? '').split(delimiter).filter(Boolean);
  return dirs.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

/** Runs argv (never a shell string) and collects its output; rejects only on spawn failure or timeout. */
export function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...args] = argv;
  if (!cmd) return Promise.reject(new Error('run: empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? hostEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${cmd}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new Error(`${argv.join(' ')} timed out after ${opts.timeoutMs} ms\n${tail(stdout + stderr)}`));
        return;
      }
      resolve({ stdout, stderr, code: code ?? 128 + (signal ? constants.signals[signal] : 0) });
    });
    // A command that never reads its input closes the pipe early; that is not an error.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Like run, but a non-zero exit is an error that carries the command's stderr. */
export async function runOk(argv: string[], opts: RunOptions = {}): Promise<string> {
  const result = await run(argv, opts);
  if (result.code !== 0) {
    throw new Error(`${argv.join(' ')} exited ${result.code}\n${tail(result.stderr || result.stdout)}`);
  }
  return result.stdout;
}

export function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function cmdline(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

// Fields of /proc/PID/stat after the command name, which may itself hold spaces or ')'.
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie: a zombie has already let go of everything we care about. */
export function isRunning(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** The kernel's start time of a process: with the PID it names one process, even after PID reuse. */
export function startTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

export function childPids(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => statFields(pid)?.[1] === String(parent));
}

/** SIGTERM, then SIGKILL if it outlives graceMs; resolves once the process is gone. */
export async function terminate(pid: number, graceMs: number): Promise<void> {
  signal(pid, 'SIGTERM');
  if (await waitUntil(() => !isRunning(pid), graceMs)) return;
  signal(pid, 'SIGKILL');
  if (!(await waitUntil(() => !isRunning(pid), 5_000))) throw new Error(`process ${pid} survived SIGKILL`);
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone: that is what we wanted.
  }
}

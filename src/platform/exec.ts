/**
 * The one door for local processes: argv arrays only (never a shell), a timeout,
 * cancellation through an AbortSignal, and bounded captured output.
 */
import { spawn } from 'node:child_process';
import { HmsError } from '../core/errors.js';
import { TailBuffer } from '../core/tail-buffer.js';

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  /** Piped into the child's stdin as it flows (instead of `input`); unpiped when the child ends. */
  stdin?: NodeJS.ReadableStream;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Bytes kept of each of stdout and stderr; the newest bytes win. Default 1 MiB. */
  maxOutputBytes?: number;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /**
   * Kernel limits for the child (util-linux `prlimit` runs it): its address space,
   * so a costly pattern makes it fail with "memory exhausted" instead of growing
   * until the OOM killer picks a victim, and its CPU seconds (SIGXCPU beyond them).
   */
  limits?: ChildLimits;
}

export interface ChildLimits {
  memoryBytes?: number;
  cpuSeconds?: number;
}

/** argv run under `prlimit` with the given limits; argv itself when there are none. */
export function limitedArgv(argv: readonly string[], limits: ChildLimits | undefined): readonly string[] {
  const flags = [
    ...(limits?.memoryBytes !== undefined ? [`--as=${Math.floor(limits.memoryBytes)}`] : []),
    // soft:hard, so SIGXCPU says why before the hard limit's SIGKILL.
    ...(limits?.cpuSeconds !== undefined ? [`--cpu=${Math.ceil(limits.cpuSeconds)}:${Math.ceil(limits.cpuSeconds) + 1}`] : []),
  ];
  return flags.length > 0 ? ['prlimit', ...flags, '--', ...argv] : argv;
}

export interface ExecResult {
  argv: readonly string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when more output came than `maxOutputBytes` and the oldest part was dropped. */
  truncated: boolean;
  timedOut: boolean;
  aborted: boolean;
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;
const KILL_GRACE_MS = 3000;

export function assertArgv(argv: readonly string[]): void {
  if (argv.length === 0 || argv.some((arg) => typeof arg !== 'string' || arg.includes('\0'))) {
    throw new HmsError('Refusing to run a command: argv must be non-empty strings without NUL bytes.');
  }
}

/** Runs argv to completion. Never rejects for a non-zero exit: callers read `code`. */
export function exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  assertArgv(argv);
  const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const stdout = new TailBuffer(limit);
  const stderr = new TailBuffer(limit);

  return new Promise((resolve, reject) => {
    let timedOut = false;
    let aborted = false;
    // Its own process group, so stopping it also stops what it started (a script's
    // `sleep`, a pipeline) instead of leaving them to hold the output pipes open.
    const run = limitedArgv(argv, options.limits);
    const child = spawn(run[0]!, run.slice(1), {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });

    let killTimer: NodeJS.Timeout | undefined;
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const kill = (): void => {
      if (killTimer) return;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          kill();
        }, options.timeoutMs)
      : undefined;
    const onAbort = (): void => {
      aborted = true;
      kill();
    };
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      options.onStdout?.(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      options.onStderr?.(chunk);
    });
    child.stdin.on('error', () => {
      // The child may exit without reading its input; its exit code tells the story.
    });
    const stdinSource = options.stdin;
    if (stdinSource) stdinSource.pipe(child.stdin);
    else child.stdin.end(options.input);

    const finish = (): void => {
      stdinSource?.unpipe(child.stdin);
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish();
      const hint = error.code === 'ENOENT' ? `Install \`${run[0]}\` or check PATH.` : undefined;
      reject(new HmsError(`Could not run \`${run[0]}\`: ${error.message}`, { hint, cause: error }));
    });
    child.on('close', (code, signal) => {
      finish();
      resolve({
        argv,
        code,
        signal,
        stdout: stdout.toString(),
        stderr: stderr.toString(),
        truncated: stdout.truncated || stderr.truncated,
        timedOut,
        aborted,
      });
    });
  });
}

/**
 * Two processes joined by a pipe, `producer | consumer`, through the same door as
 * exec.ts: argv arrays (never a shell), kernel limits per process, one deadline for
 * both, bounded stderr. The data flows from one child to the other with the kernel's
 * back-pressure and never passes through this process, so a dump of any size costs
 * the caller no memory. Both exit statuses come back: a consumer that succeeded on
 * the input of a producer that failed is the caller's to judge.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { HmsError } from '../core/errors.js';
import { TailBuffer } from '../core/tail-buffer.js';
import { assertArgv, type ChildLimits, type ExecResult, limitedArgv } from './exec.js';

export interface PipeSide {
  argv: readonly string[];
  env?: NodeJS.ProcessEnv;
  limits?: ChildLimits;
}

export interface PipeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Bytes kept of the producer's stderr and of the consumer's stdout and stderr. Default 256 KiB. */
  maxOutputBytes?: number;
}

export interface PipeResult {
  producer: ExecResult;
  consumer: ExecResult;
}

const KILL_GRACE_MS = 3000;

interface Running {
  child: ChildProcess;
  argv: readonly string[];
  stdout: TailBuffer;
  stderr: TailBuffer;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(side: PipeSide, stdin: 'ignore' | Readable, captureStdout: boolean, limit: number): Running {
  assertArgv(side.argv);
  const run = limitedArgv(side.argv, side.limits);
  // Its own process group, as in exec.ts: a stop reaches what it started too.
  const child = spawn(run[0]!, run.slice(1), { env: side.env ?? process.env, stdio: [stdin, 'pipe', 'pipe'], detached: true });
  const stdout = new TailBuffer(limit);
  const stderr = new TailBuffer(limit);
  if (captureStdout) child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'ENOENT' ? `Install \`${run[0]}\` or check PATH.` : undefined;
      reject(new HmsError(`Could not run \`${run[0]}\`: ${error.message}`, { hint, cause: error }));
    });
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, argv: side.argv, stdout, stderr, done };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function stop(child: ChildProcess): void {
  signalGroup(child, 'SIGTERM');
  setTimeout(() => signalGroup(child, 'SIGKILL'), KILL_GRACE_MS).unref();
}

/** Runs `producer | consumer` to the end of both. Never rejects for a non-zero exit. */
export async function execPipe(producer: PipeSide, consumer: PipeSide, options: PipeOptions): Promise<PipeResult> {
  const limit = options.maxOutputBytes ?? 256 * 1024;
  const from = start(producer, 'ignore', false, limit);
  // The producer's stdout pipe becomes the consumer's stdin (the fd is handed over), and this process closes
  // its own end: the bytes go from one child to the other in the kernel, and a consumer that stops reading
  // gives the producer EPIPE, as in a shell pipeline.
  let to: Running;
  try {
    to = start(consumer, from.child.stdout!, true, limit);
  } catch (error) {
    stop(from.child);
    throw error;
  }
  from.child.stdout!.destroy();
  let timedOut = false;
  let aborted = false;
  const stopBoth = (): void => {
    stop(from.child);
    stop(to.child);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stopBoth();
  }, options.timeoutMs);
  const onAbort = (): void => {
    aborted = true;
    stopBoth();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // A consumer that ends early must not leave the producer writing into a pipe no one reads.
  const stopProducer = (): void => {
    if (from.child.exitCode === null && from.child.signalCode === null) stop(from.child);
  };
  void to.done.then(stopProducer, stopBoth);
  try {
    const [produced, consumed] = await Promise.all([from.done, to.done]);
    const result = (side: Running, end: typeof produced): ExecResult => ({
      argv: side.argv,
      ...end,
      stdout: side.stdout.toString(),
      stderr: side.stderr.toString(),
      truncated: side.stdout.truncated || side.stderr.truncated,
      timedOut,
      aborted,
    });
    return { producer: result(from, produced), consumer: result(to, consumed) };
  } catch (error) {
    stopBoth();
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The holder's line protocol, shared by the holder and the hms processes it serves. A client
 * connects to the socket and writes one JSON line; the holder answers one JSON line:
 *   {"v":1,"op":"forward","key":K}  -> {"ok":true,"pid":N}, then the socket is a byte pipe to the agent
 *                                      | {"stale":true} (another key, or the host's known_hosts lines changed)
 *                                      | {"error":{message,hint,kind,presented}} (reconnecting failed)
 *   {"v":1,"op":"info"}             -> {"ok":true,"pid","server","since","idleMinutes","clients"}
 *   {"v":1,"op":"stop"}             -> {"ok":true,"pid"}, then the holder exits
 * No node:crypto and no ssh2 here: this is on the path of every command.
 */
import net from 'node:net';
import { HmsError } from '../core/errors.js';
import { HostKeyError } from '../ssh/errors.js';

export const PROTOCOL_VERSION = 1;
/** A line longer than this is not a request: the connection is dropped. */
export const MAX_LINE_BYTES = 16 * 1024;

export type Request = { v: 1; op: 'forward'; key: string } | { v: 1; op: 'info' } | { v: 1; op: 'stop' };

export interface ErrorShape {
  message: string;
  hint?: string | undefined;
  kind?: string | undefined;
  presented?: string | undefined;
  /** What ssh2 or the socket said underneath, as much as the retry policy reads (src/client/retry.ts). */
  cause?: { message: string; code?: string | undefined; level?: string | undefined; reason?: number | undefined } | undefined;
}

export interface HolderInfo {
  pid: number;
  server: string;
  since: string;
  idleMinutes: number;
  clients: number;
}

export type Answer = ({ ok: true; pid: number } & Partial<Omit<HolderInfo, 'pid'>>) | { stale: true } | { error: ErrorShape };

/** Reads one line (up to MAX_LINE_BYTES) from a socket; what came after it is put back for the next reader. */
export function readLine(socket: net.Socket, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error('no answer in time')), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf(10);
      if (end >= 0) {
        const rest = buffered.subarray(end + 1);
        finish(undefined, buffered.subarray(0, end).toString('utf8'));
        if (rest.length > 0) socket.unshift(rest);
      } else if (buffered.length > MAX_LINE_BYTES) finish(new Error('line too long'));
    };
    const onEnd = () => finish(Object.assign(new Error('closed before answering'), { code: 'ECONNRESET' }));
    const onError = (error: Error) => finish(error);
    function finish(error: Error | undefined, line?: string) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
      socket.pause();
      if (error) reject(error);
      else resolve(line!);
    }
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.once('error', onError);
    socket.resume();
  });
}

export function writeLine(socket: net.Socket, message: Request | Answer): void {
  socket.write(`${JSON.stringify(message)}\n`);
}

export function parseAnswer(line: string): Answer {
  const parsed = JSON.parse(line) as Answer;
  if (typeof parsed !== 'object' || parsed === null) throw new Error('not an answer');
  return parsed;
}

/** An error as the holder sends it: enough for the client to rebuild the same HmsError or HostKeyError. */
export function errorShape(error: unknown): ErrorShape {
  const e = error as Partial<HostKeyError> & Error;
  return {
    message: e.message ?? String(error),
    hint: e instanceof HmsError ? e.hint : undefined,
    kind: e instanceof HostKeyError ? e.kind : undefined,
    presented: e instanceof HostKeyError ? e.presentedFingerprint : undefined,
    cause: causeShape(e instanceof HmsError ? e.cause : e),
  };
}

function causeShape(cause: unknown): ErrorShape['cause'] {
  if (!(cause instanceof Error)) return undefined;
  const { code, level, reason } = cause as { code?: unknown; level?: unknown; reason?: unknown };
  return {
    message: cause.message,
    code: typeof code === 'string' ? code : undefined,
    level: typeof level === 'string' ? level : undefined,
    reason: typeof reason === 'number' ? reason : undefined,
  };
}

export function rebuildError(shape: ErrorShape): HmsError {
  if (shape.kind === 'unknown' || shape.kind === 'changed' || shape.kind === 'revoked') {
    return new HostKeyError(shape.message, shape.kind, shape.presented ?? '', shape.hint ?? '');
  }
  const cause = shape.cause && Object.assign(new Error(shape.cause.message), shape.cause);
  return new HmsError(shape.message, { ...(shape.hint === undefined ? {} : { hint: shape.hint }), ...(cause ? { cause } : {}) });
}

/**
 * Connects to a holder's socket and sends one request. Resolves with the answer and the socket
 * (paused; after `ok` to `forward` it is the pipe to the agent), or rejects with the socket error
 * (ENOENT, ECONNREFUSED: no holder there).
 */
export function request(socketPath: string, message: Request, timeoutMs = 5_000): Promise<{ answer: Answer; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.off('error', fail);
      writeLine(socket, message);
      readLine(socket, timeoutMs).then(
        (line) => {
          try {
            resolve({ answer: parseAnswer(line), socket });
          } catch (error) {
            fail(error as Error);
          }
        },
        (error: Error) => fail(error),
      );
    });
  });
}

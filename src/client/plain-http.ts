/**
 * HTTP/1.1 for the requests whose answer is read whole (the JSON calls of ApiClient), one request per
 * stream: a holder's socket or an SSH channel to the agent. undici stays for streams (SSE, downloads)
 * and HTTPS; starting it costs every command ~300 KB of code to compile and its WebAssembly parser
 * (llhttp), more than the one short exchange `hms status` makes.
 *
 * Errors carry undici's codes, which the retry policy (retry.ts) and http.ts read: UND_ERR_SOCKET
 * (closed before the whole answer), UND_ERR_HEADERS_TIMEOUT, UND_ERR_BODY_TIMEOUT, UND_ERR_ABORTED;
 * an error of the stream itself (ECONNRESET, EPIPE) keeps its own code.
 */
import type { Duplex } from 'node:stream';

export interface PlainRequest {
  method: string;
  /** The path and query, e.g. /api/apps. */
  path: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Until the status line and headers came (undici's default: 300 s). */
  headersTimeoutMs?: number;
  /** Between two parts of the body (undici's default: 300 s). */
  bodyTimeoutMs?: number;
}

export interface PlainAnswer {
  status: number;
  /** Lower-case names; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  text: string;
}

/** A head larger than this is not an agent's answer. */
const MAX_HEAD_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 300_000;

export class PlainHttpError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = code === 'UND_ERR_ABORTED' ? 'AbortError' : 'PlainHttpError';
  }
}

/** Sends one request on `stream` and resolves with the whole answer; the stream is destroyed either way. */
export function exchange(stream: Duplex, request: PlainRequest): Promise<PlainAnswer> {
  return new Promise<PlainAnswer>((resolve, reject) => {
    const reader = new AnswerReader(request.method === 'HEAD');
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number, code: string, message: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(new PlainHttpError(message, code)), ms);
    };
    const onAbort = () => finish(new PlainHttpError('Request aborted', 'UND_ERR_ABORTED'));
    const onData = (chunk: Buffer) => {
      try {
        const answer = reader.push(chunk);
        if (answer) return finish(undefined, answer);
        // The headers' wait is the whole time to them; the body's, the time between two of its parts.
        if (reader.headDone) arm(request.bodyTimeoutMs ?? DEFAULT_TIMEOUT_MS, 'UND_ERR_BODY_TIMEOUT', 'Body Timeout Error');
      } catch (error) {
        finish(error as Error);
      }
    };
    const onEnd = () => {
      const answer = reader.end();
      finish(answer ? undefined : new PlainHttpError('other side closed', 'UND_ERR_SOCKET'), answer);
    };
    const onError = (error: Error) => finish(error);
    function finish(error: Error | undefined, answer?: PlainAnswer) {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
      stream.on('error', () => undefined);
      stream.destroy();
      if (error) reject(error);
      else resolve(answer!);
    }
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    stream.once('error', onError);
    arm(request.headersTimeoutMs ?? DEFAULT_TIMEOUT_MS, 'UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error');
    stream.write(head(request));
    stream.resume();
  });
}

function head(request: PlainRequest): string {
  const lines = [`${request.method} ${request.path} HTTP/1.1`, 'host: hms-agent', 'connection: close'];
  for (const [name, value] of Object.entries(request.headers)) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new PlainHttpError(`invalid header ${name}`, 'UND_ERR_INVALID_ARG');
    lines.push(`${name}: ${value}`);
  }
  if (request.body !== undefined) lines.push(`content-length: ${Buffer.byteLength(request.body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${request.body ?? ''}`;
}

/** Reads an HTTP/1.1 answer as its bytes come: the head, then a body by content-length, chunks, or up to the close. */
class AnswerReader {
  private buffered: Buffer = Buffer.alloc(0);
  private status = 0;
  private headers: Record<string, string> = {};
  private body: Buffer[] = [];
  /** Bytes of body still to come (content-length). */
  private remaining = 0;
  private mode: 'length' | 'chunked' | 'close' = 'close';
  private chunkLeft = -1;
  headDone = false;

  constructor(private readonly noBody: boolean) {}

  push(chunk: Buffer): PlainAnswer | undefined {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    if (!this.headDone && !this.readHead()) return undefined;
    return this.readBody();
  }

  /** The stream ended: an answer read up to its close is whole; any other is cut. */
  end(): PlainAnswer | undefined {
    return this.headDone && this.mode === 'close' ? this.answer(Buffer.concat([...this.body, this.buffered])) : undefined;
  }

  private readHead(): boolean {
    for (;;) {
      const end = this.buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buffered.length > MAX_HEAD_BYTES) throw new PlainHttpError('the answer head is too large', 'HPE_HEADER_OVERFLOW');
        return false;
      }
      const [statusLine, ...fields] = this.buffered.subarray(0, end).toString('latin1').split('\r\n');
      this.buffered = this.buffered.subarray(end + 4);
      const status = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine ?? '');
      if (!status) throw new PlainHttpError(`not an HTTP answer: ${JSON.stringify(statusLine?.slice(0, 40))}`, 'HPE_INVALID_CONSTANT');
      this.status = Number(status[1]);
      if (this.status >= 100 && this.status < 200) continue; // 100 Continue and the like: the answer follows
      this.headers = {};
      for (const field of fields) {
        const colon = field.indexOf(':');
        if (colon <= 0) throw new PlainHttpError('a malformed header line in the answer', 'HPE_INVALID_HEADER_TOKEN');
        const name = field.slice(0, colon).trim().toLowerCase();
        const value = field.slice(colon + 1).trim();
        this.headers[name] = name in this.headers ? `${this.headers[name]}, ${value}` : value;
      }
      this.headDone = true;
      this.frame();
      return true;
    }
  }

  private frame(): void {
    const length = this.headers['content-length'];
    if (this.noBody || this.status === 204 || this.status === 304) {
      this.mode = 'length';
      this.remaining = 0;
    } else if (/\bchunked\b/i.test(this.headers['transfer-encoding'] ?? '')) this.mode = 'chunked';
    else if (length !== undefined) {
      if (!/^\d+$/.test(length)) throw new PlainHttpError(`invalid content-length ${length}`, 'HPE_INVALID_CONTENT_LENGTH');
      this.mode = 'length';
      this.remaining = Number(length);
    }
  }

  private readBody(): PlainAnswer | undefined {
    if (this.mode === 'close') {
      this.body.push(this.buffered);
      this.buffered = Buffer.alloc(0);
      return undefined;
    }
    if (this.mode === 'length') {
      const take = Math.min(this.buffered.length, this.remaining);
      if (take > 0) this.body.push(this.buffered.subarray(0, take));
      this.remaining -= take;
      this.buffered = this.buffered.subarray(take);
      return this.remaining === 0 ? this.answer(Buffer.concat(this.body)) : undefined;
    }
    return this.readChunks();
  }

  private readChunks(): PlainAnswer | undefined {
    for (;;) {
      if (this.chunkLeft < 0) {
        const end = this.buffered.indexOf('\r\n');
        if (end < 0) {
          if (this.buffered.length > 1024) throw new PlainHttpError('a malformed chunk size', 'HPE_INVALID_CHUNK_SIZE');
          return undefined;
        }
        const size = /^([0-9a-fA-F]{1,8})(?:[ \t]*;.*)?$/.exec(this.buffered.subarray(0, end).toString('latin1'));
        if (!size) throw new PlainHttpError('a malformed chunk size', 'HPE_INVALID_CHUNK_SIZE');
        this.chunkLeft = Number.parseInt(size[1]!, 16);
        this.buffered = this.buffered.subarray(end + 2);
        if (this.chunkLeft === 0) {
          // The last chunk: trailers (none expected) up to an empty line.
          const trailersEnd = this.buffered.indexOf('\r\n') === 0 ? 0 : this.buffered.indexOf('\r\n\r\n');
          if (trailersEnd < 0) {
            this.chunkLeft = -1;
            this.buffered = Buffer.concat([Buffer.from('0\r\n'), this.buffered]);
            return undefined;
          }
          return this.answer(Buffer.concat(this.body));
        }
      }
      if (this.buffered.length < this.chunkLeft + 2) return undefined;
      if (this.buffered[this.chunkLeft] !== 13 || this.buffered[this.chunkLeft + 1] !== 10)
        throw new PlainHttpError('a chunk without its CRLF', 'HPE_STRICT');
      this.body.push(this.buffered.subarray(0, this.chunkLeft));
      this.buffered = this.buffered.subarray(this.chunkLeft + 2);
      this.chunkLeft = -1;
    }
  }

  private answer(body: Buffer): PlainAnswer {
    return { status: this.status, headers: this.headers, text: body.toString('utf8') };
  }
}

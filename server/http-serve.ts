/**
 * The agent's HTTP server: node:http to hono's `app.fetch` and back, without Node 18's undici
 * (server/lite-fetch.ts says why). What @hono/node-server did for the agent: the request as
 * a Request-like object (`c.req.raw`) whose body is read from the socket only when asked, an
 * abort signal that fires when the client goes away, `c.env.incoming` for the peer's address,
 * and the answer written with its status, headers (each set-cookie apart) and body, a
 * stream's chunks as they come.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { bytesOf, isStream, LiteHeaders, LiteResponse, realGlobal } from './lite-fetch.js';

type FetchHandler = (request: Request, env: { incoming: IncomingMessage; outgoing: ServerResponse }) => Response | Promise<Response>;

// As @hono/node-server: a host name or address with an optional port, anything else refused.
const VALID_HOST = /^(?:[a-z0-9._-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** What hono reads of a request; the body comes from the socket on first use. */
export class LiteRequest {
  readonly method: string;
  readonly url: string;
  readonly signal: AbortSignal;
  readonly #incoming: IncomingMessage;
  readonly #abort: AbortController;
  #headers: LiteHeaders | undefined;
  #read: Promise<Buffer> | undefined;
  #stream: ReadableStream<Uint8Array> | undefined;

  constructor(incoming: IncomingMessage, url: string, abort: AbortController) {
    this.#incoming = incoming;
    this.#abort = abort;
    this.method = incoming.method ?? 'GET';
    this.url = url;
    this.signal = abort.signal;
  }

  get headers(): LiteHeaders {
    if (!this.#headers) {
      const headers = new LiteHeaders();
      const raw = this.#incoming.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
      this.#headers = headers;
    }
    return this.#headers;
  }
  get bodyUsed(): boolean {
    return this.#read !== undefined || this.#stream?.locked === true;
  }
  get body(): ReadableStream<Uint8Array> | null {
    if (!hasBody(this.#incoming)) return null;
    this.#stream ??= Readable.toWeb(this.#incoming) as ReadableStream<Uint8Array>;
    return this.#stream;
  }

  /** The whole body; a client that goes away before its end aborts the request (ECONNRESET, as a socket's). */
  #bytes(): Promise<Buffer> {
    this.#read ??= (this.#stream ? this.#fromStream(this.#stream) : this.#fromSocket()).catch((error: Error) => {
      if (this.#incoming.complete) throw error;
      this.#abort.abort();
      throw Object.assign(new Error(error.message || 'The client went away before the end of its body.'), { code: 'ECONNRESET' });
    });
    return this.#read;
  }
  #fromSocket(): Promise<Buffer> {
    const incoming = this.#incoming;
    return new Promise<Buffer>((resolve, reject) => {
      if (!hasBody(incoming)) return resolve(Buffer.alloc(0));
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.once('end', () => resolve(Buffer.concat(chunks)));
      incoming.once('error', reject);
      incoming.once('close', () => reject(new Error('The client went away before the end of its body.')));
    });
  }
  /** Someone asked for `body` (hono's body limit looks whether there is one): read through it. */
  async #fromStream(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
    const chunks: Uint8Array[] = [];
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return Buffer.concat(chunks);
      chunks.push(value);
    }
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  async text(): Promise<string> {
    return (await this.#bytes()).toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  async blob(): Promise<Blob> {
    return new Blob([new Uint8Array(await this.#bytes())], { type: this.headers.get('content-type') ?? '' });
  }
  /** Forms (urlencoded or multipart) are parsed by Node's own Response (undici, loaded then). */
  async formData(): Promise<FormData> {
    return new LiteResponse(await this.#bytes(), { headers: { 'content-type': this.headers.get('content-type') ?? '' } }).formData();
  }
}

const hasBody = (incoming: IncomingMessage) =>
  incoming.method !== 'GET' &&
  incoming.method !== 'HEAD' &&
  (incoming.headers['transfer-encoding'] !== undefined || Number(incoming.headers['content-length'] ?? 0) > 0);

/** Node's own Request for a body of unknown length: hono's body limit counts it through a stream. */
function chunkedRequest(incoming: IncomingMessage, url: string, abort: AbortController): Request {
  const RealRequest = realGlobal<typeof Request>('Request');
  const headers: [string, string][] = [];
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) headers.push([incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!]);
  const body = Readable.toWeb(incoming) as ReadableStream<Uint8Array>;
  return new RealRequest(url, { method: incoming.method, headers, body, signal: abort.signal, duplex: 'half' } as RequestInit);
}

async function writeResponse(response: Response | LiteResponse, outgoing: ServerResponse): Promise<void> {
  outgoing.statusCode = response.status;
  const cookies: string[] = [];
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') outgoing.setHeader(name, value);
  });
  cookies.push(...response.headers.getSetCookie());
  if (cookies.length > 0) outgoing.setHeader('set-cookie', cookies);
  const body = response instanceof LiteResponse ? response.rawBody : response.body;
  if (body === null) return void outgoing.end();
  if (!isStream(body)) {
    const bytes = body instanceof Blob ? new Uint8Array(await body.arrayBuffer()) : bytesOf(body);
    outgoing.setHeader('content-length', bytes.byteLength);
    return void outgoing.end(bytes);
  }
  // A stream (an event stream, a dump): headers at once, then each chunk as it comes.
  outgoing.flushHeaders();
  const reader = body.getReader();
  const gone = () => void reader.cancel().catch(() => undefined);
  outgoing.once('close', gone);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || outgoing.destroyed) break;
      if (!outgoing.write(value)) await new Promise((resolve) => outgoing.once('drain', resolve).once('close', resolve));
    }
  } finally {
    outgoing.off('close', gone);
    outgoing.end();
  }
}

/** Serves `fetch` on host:port; the callback runs once it listens. */
export function serveHttp(
  options: { fetch: FetchHandler; hostname: string; port: number },
  listening?: (info: { address: string; port: number }) => void,
): Server {
  const server = createServer((incoming, outgoing) => {
    const host = incoming.headers.host ?? `${options.hostname}:${options.port}`;
    if (!VALID_HOST.test(host) || !incoming.url?.startsWith('/')) {
      outgoing.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request');
      return;
    }
    const url = `http://${host}${incoming.url}`;
    const abort = new AbortController();
    outgoing.once('close', () => {
      if (!outgoing.writableFinished) abort.abort();
    });
    const chunked = hasBody(incoming) && incoming.headers['content-length'] === undefined;
    const request = chunked ? chunkedRequest(incoming, url, abort) : new LiteRequest(incoming, url, abort);
    Promise.resolve()
      .then(() => options.fetch(request as Request, { incoming, outgoing }))
      .then((response) => writeResponse(response, outgoing))
      .catch((error: unknown) => {
        console.error('[hms-agent] answer not written:', error);
        if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'text/plain' });
        outgoing.end();
      });
  });
  server.listen(options.port, options.hostname, () => {
    const address = server.address();
    if (address && typeof address === 'object') listening?.({ address: address.address, port: address.port });
  });
  return server;
}

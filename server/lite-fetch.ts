/**
 * Headers and Response as hono uses them, without Node 18's undici. On Debian's Node 18 the
 * global Headers, Request and Response are undici's, loaded on first touch: its fetch, its
 * WebAssembly HTTP parser compiled (about 1.5 MB of heap and 2-4 MB outside it, for as long as
 * the agent runs). Hono builds every answer with `new Response` and `new Headers`, so the agent
 * (server/serve.ts) puts these in their place; server/http-serve.ts writes them to node:http.
 *
 * What they keep of the standard: case-insensitive headers that iterate sorted with each
 * set-cookie apart, a Response's status, headers and body (a string, bytes, a Blob or a
 * ReadableStream) and its reading methods. The real classes stay reachable (realGlobal) for
 * what needs them: a form's body (FormData) and a chunked request body.
 */
import { Readable } from 'node:stream';

type HeaderSource = Record<string, string> | Iterable<readonly [string, string]> | { forEach(cb: (v: string, k: string) => void): void };
type Body = string | Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | null;

export class LiteHeaders {
  readonly #map = new Map<string, string[]>();

  constructor(init?: HeaderSource | null) {
    if (!init) return;
    if (typeof (init as { getSetCookie?: unknown }).getSetCookie === 'function') {
      const source = init as LiteHeaders;
      source.forEach((value, name) => {
        if (name !== 'set-cookie') this.append(name, value);
      });
      for (const cookie of source.getSetCookie()) this.append('set-cookie', cookie);
    } else if (Symbol.iterator in init) for (const [name, value] of init as Iterable<readonly [string, string]>) this.append(name, value);
    else if (typeof (init as { forEach?: unknown }).forEach === 'function')
      (init as { forEach(cb: (v: string, k: string) => void): void }).forEach((value, name) => this.append(name, value));
    else for (const [name, value] of Object.entries(init as Record<string, string>)) this.append(name, value);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const values = this.#map.get(key);
    if (values) values.push(String(value).trim());
    else this.#map.set(key, [String(value).trim()]);
  }
  set(name: string, value: string): void {
    this.#map.set(name.toLowerCase(), [String(value).trim()]);
  }
  get(name: string): string | null {
    return this.#map.get(name.toLowerCase())?.join(', ') ?? null;
  }
  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }
  delete(name: string): void {
    this.#map.delete(name.toLowerCase());
  }
  getSetCookie(): string[] {
    return [...(this.#map.get('set-cookie') ?? [])];
  }
  forEach(callback: (value: string, name: string, headers: LiteHeaders) => void, thisArg?: unknown): void {
    for (const [name, value] of this) callback.call(thisArg, value, name, this);
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name of [...this.#map.keys()].sort()) {
      const values = this.#map.get(name)!;
      if (name === 'set-cookie') for (const value of values) yield [name, value];
      else yield [name, values.join(', ')];
    }
  }
  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }
  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** A stream made from a LiteResponse's own body, and that body: re-wrapping it (hono does) keeps the plain body. */
const streamed = new WeakMap<object, Body>();

export class LiteResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: LiteHeaders;
  readonly type = 'default';
  readonly redirected = false;
  readonly url = '';
  #body: Body;
  #used = false;

  constructor(body?: Body, init?: { status?: number; statusText?: string; headers?: HeaderSource | null }) {
    // As the standard's: what is not bytes, a Blob or a stream is its string (hono's html`` gives String objects).
    const given = body == null ? null : isBytesLike(body) ? body : String(body);
    this.#body = isStream(given) && streamed.has(given) && !given.locked ? streamed.get(given)! : given;
    this.status = init?.status ?? 200;
    if (this.status < 200 || this.status > 599) throw new RangeError(`Response status ${this.status} is outside 200-599.`);
    this.statusText = init?.statusText ?? '';
    this.headers = new LiteHeaders(init?.headers);
    if (typeof this.#body === 'string' && !this.headers.has('content-type')) this.headers.set('content-type', 'text/plain;charset=UTF-8');
  }

  static json(data: unknown, init?: { status?: number; headers?: HeaderSource }): LiteResponse {
    const response = new LiteResponse(JSON.stringify(data), init);
    response.headers.set('content-type', 'application/json');
    return response;
  }
  static redirect(url: string, status = 302): LiteResponse {
    return new LiteResponse(null, { status, headers: { location: url } });
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get bodyUsed(): boolean {
    return this.#used;
  }
  /** The body as given, for the server that writes it (server/http-serve.ts). */
  get rawBody(): Body {
    return this.#body;
  }
  get body(): ReadableStream<Uint8Array> | null {
    const body = this.#body;
    if (body === null || isStream(body)) return body;
    const stream = (body instanceof Blob ? body.stream() : Readable.toWeb(Readable.from([bytesOf(body)]))) as ReadableStream<Uint8Array>;
    streamed.set(stream, body);
    return stream;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.#bytes());
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  /** Parsed by Node's own Response (undici, loaded then): hono reads a form's body through `new Response(bytes).formData()`. */
  async formData(): Promise<FormData> {
    const RealResponse = realGlobal<typeof Response>('Response');
    return new RealResponse(new Uint8Array(await this.#bytes()), { headers: [...this.headers] }).formData();
  }
  clone(): LiteResponse {
    if (isStream(this.#body)) throw new TypeError('A streamed response cannot be cloned here.');
    return new LiteResponse(this.#body, this);
  }

  async #bytes(): Promise<Uint8Array> {
    if (this.#used) throw new TypeError('Body has already been used.');
    this.#used = true;
    const body = this.#body;
    if (body === null) return new Uint8Array(0);
    if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
    if (!isStream(body)) return bytesOf(body);
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    return Buffer.concat(chunks);
  }
}

export function isStream(body: unknown): body is ReadableStream<Uint8Array> {
  return typeof (body as { getReader?: unknown } | null)?.getReader === 'function';
}

function isBytesLike(body: unknown): body is Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> {
  return body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof Blob || isStream(body);
}

export function bytesOf(body: string | Uint8Array | ArrayBuffer): Uint8Array {
  if (typeof body === 'string') return Buffer.from(body);
  return body instanceof Uint8Array ? body : new Uint8Array(body);
}

const real = new Map<string, PropertyDescriptor | undefined>();

/** Node's own global `name` as it was before installLiteFetch (on Node 18 reading it loads undici). */
export function realGlobal<T>(name: 'Headers' | 'Response' | 'Request'): T {
  const descriptor = real.get(name) ?? Object.getOwnPropertyDescriptor(globalThis, name);
  return (descriptor?.get ? descriptor.get.call(globalThis) : descriptor?.value) as T;
}

/**
 * Puts LiteHeaders and LiteResponse in the place of the global Headers and Response, without
 * reading the originals (which would load undici). Returns what puts them back.
 */
export function installLiteFetch(): () => void {
  for (const name of ['Headers', 'Response']) {
    if (!real.has(name)) real.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
  }
  const set = (name: string, value: unknown) => Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
  set('Headers', LiteHeaders);
  set('Response', LiteResponse);
  return () => {
    for (const [name, descriptor] of real) if (descriptor) Object.defineProperty(globalThis, name, descriptor);
    real.clear();
  };
}

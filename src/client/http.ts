import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { HmsError } from '../core/errors.js';
import { builtContracts, type Contract } from './contracts.js';
import { exchange } from './plain-http.js';
import { checkShape } from './shape-check.js';
import type { Transport } from './transport.js';

export interface CallOptions {
  method?: Dispatcher.HttpMethod;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

/** An answer read whole: what json() reads. */
export interface WholeResponse {
  status: number;
  body: { text(): Promise<string> };
}

function requestHeaders(token: string, options: CallOptions): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    accept: 'application/json',
    ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers,
  };
}

/** One HTTP request to the agent through undici (its body a stream), with the token, and transport errors made readable. */
export function send(transport: Transport, token: string, server: string, path: string, options: CallOptions = {}): Promise<RawResponse> {
  return attempt(transport, server, options, async () => {
    // undici loads with the first request that needs it (streams, HTTPS, local mode), not with every command.
    const { request } = await import('undici');
    const dispatcher = typeof transport.dispatcher === 'function' ? await transport.dispatcher() : transport.dispatcher;
    const response = await request(`${transport.baseUrl}${path}`, {
      method: options.method ?? 'GET',
      dispatcher,
      headers: requestHeaders(token, options),
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
    return { status: response.statusCode, headers: response.headers, body: response.body };
  });
}

/**
 * One request whose answer is read whole (JSON): over a stream of the transport's own (a holder's socket,
 * an SSH channel) with plain-http.ts when it has one, else through undici.
 */
export function sendWhole(
  transport: Transport,
  token: string,
  server: string,
  path: string,
  options: CallOptions = {},
): Promise<WholeResponse> {
  const open = transport.open;
  if (!open) return send(transport, token, server, path, options);
  return attempt(transport, server, options, async () => {
    const answer = await exchange(await open(), {
      method: options.method ?? 'GET',
      path,
      headers: requestHeaders(token, options),
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
    return { status: answer.status, body: { text: async () => answer.text } };
  });
}

/**
 * Runs one request. A holder that died under it (killed, or gone with its machine's sleep): a GET or HEAD
 * is sent once more, and the next connection is direct. Another method is not: the agent may have acted
 * on it. (A holder that fails before answering its client never had the request: that one goes direct
 * inside HolderTunnel.open, whatever the method.)
 */
async function attempt<T>(transport: Transport, server: string, options: CallOptions, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const method = options.method ?? 'GET';
    const dropped = /^(UND_ERR_SOCKET|ECONNRESET|EPIPE)$/.test((error as { code?: string }).code ?? '');
    if (transport.viaHolder && dropped && (method === 'GET' || method === 'HEAD') && !options.signal?.aborted) {
      try {
        return await run();
      } catch (again) {
        throw transportError(again, server, transport.via);
      }
    }
    throw transportError(error, server, transport.via);
  }
}

function transportError(error: unknown, server: string, via: string): Error {
  if (error instanceof HmsError) return error;
  // An abort (undici's RequestAbortedError, or plain-http's) is the caller's own doing: it stays as it is.
  if ((error as { code?: string }).code === 'UND_ERR_ABORTED') return error as Error;
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code) || /certificate/i.test(message)) {
    return new HmsError(`The TLS certificate of ${server} is not trusted (${code || message}).`, {
      hint: `Set servers.${server}.caFile to the CA that signed it, or use the SSH tunnel (drop --via https).`,
      cause: error,
    });
  }
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new HmsError(`Cannot reach the agent on ${server} via ${via} (${code}).`, {
      hint: via === 'ssh' ? 'Is hms-agent running? Check `systemctl status hms-agent` on the server.' : 'Check nginx and the public URL.',
      cause: error,
    });
  }
  return new HmsError(`Request to ${server} failed: ${message}`, { cause: error });
}

/** Reads a JSON answer, turns an agent error into an HmsError, and checks the shape. */
export async function json<T>(response: WholeResponse, schema: z.ZodType<T> | Contract<T>, server: string): Promise<T> {
  const text = await response.body.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const message = `${server} answered ${response.status} with something that is not JSON.`;
    // A proxy's 502/503 while the agent restarts is an answer worth retrying (follow.ts): keep its status.
    if (response.status >= 500)
      throw new AgentError(response.status, message, 'Is the agent running behind nginx (`systemctl status hms-agent`)?', undefined);
    throw new HmsError(message, { hint: 'Is the URL pointing at the agent (and not at another site)?' });
  }
  if (response.status >= 400) throw agentError(response.status, parsed, server);
  const result = await checkAnswer(schema, parsed);
  if (!result.success) {
    throw new HmsError(`The agent on ${server} answered in a shape this hms does not know.`, {
      hint: 'The agent and this hms are probably different versions: run `hms update-hosting-api`, or update hms.',
      cause: result.error,
    });
  }
  return result.data as T;
}

/** zod's parse, or the build's JSON Schema of the contract when it has one (contracts.ts): no zod loaded for it. */
async function checkAnswer<T>(schema: z.ZodType<T> | Contract<T>, parsed: unknown): Promise<{ success: boolean; data?: T; error?: Error }> {
  const built = 'safeParse' in schema ? undefined : schema.name && builtContracts[schema.name];
  if (built) return checkShape<T>(built, parsed);
  // Without zod's eval-made fast path: each object schema's parser compiled with new Function costs more, in a
  // command that parses each answer once, than the plain path it would save.
  return ('safeParse' in schema ? schema : await schema.schema()).safeParse(parsed, { jitless: true });
}

export class AgentError extends HmsError {
  constructor(
    readonly status: number,
    message: string,
    hint: string | undefined,
    readonly details: unknown,
  ) {
    super(message, { hint });
    this.name = 'AgentError';
  }
}

export function agentError(status: number, body: unknown, server: string): AgentError {
  const { error, hint, details } = (body ?? {}) as { error?: string; hint?: string; details?: unknown };
  const message = `${server}: ${error ?? `HTTP ${status}`}`;
  if (status === 401)
    return new AgentError(status, message, `The API token was refused. Run \`hms login ${server}\` to store the current one.`, details);
  if (status === 429) return new AgentError(status, message, hint ?? 'Wait a moment and try again.', details);
  return new AgentError(status, message, hint, details);
}

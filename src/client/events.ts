/**
 * The agent's event streams as the contract types them (src/api/streams.ts): opening
 * one, and reading its events, each checked against its schema where it is read. An
 * event in a shape the contract does not know is an error the caller sees; an event
 * name it does not list is passed over (a newer agent may say more).
 */
import { z } from 'zod';
import type { EventMap, StreamEvent } from '../api/streams.js';
import { HmsError } from '../core/errors.js';
import type { ApiClient } from './api-client.js';
import { json, type CallOptions } from './http.js';
import { readSse, type SseEvent } from './sse.js';

export type Body = AsyncIterable<Buffer | Uint8Array | string>;

const VERSIONS_HINT = 'The agent and this hms are probably different versions: run `hms update-hosting-api`, or update hms.';

/** One event stream: the body of a 200 answer, or the agent's error as an AgentError. */
export async function openEventStream(client: ApiClient, path: string, options: CallOptions = {}): Promise<Body> {
  const response = await client.send(path, { ...options, headers: { accept: 'text/event-stream', ...options.headers } });
  if (response.status === 200) return response.body;
  await json(response, z.unknown(), client.server); // throws the agent's error for 4xx/5xx
  throw new HmsError(`${client.server} answered ${response.status} instead of an event stream.`, { hint: VERSIONS_HINT });
}

/** A stream whose event in a shape the contract does not know ends what reads it. */
export class MalformedEventError extends HmsError {}

/** An event as the contract types it; undefined for a name the contract does not list. */
export function readEvent<M extends EventMap>(events: M, raw: SseEvent, server: string): StreamEvent<M> | undefined {
  if (!Object.hasOwn(events, raw.event)) return undefined;
  const schema = events[raw.event]!;
  const result = schema.safeParse(schema instanceof z.ZodString ? raw.data : parseJson(raw.data));
  if (result.success) return { event: raw.event, data: result.data } as StreamEvent<M>;
  throw new MalformedEventError(`The agent on ${server} sent a "${raw.event}" event in a shape this hms does not know.`, {
    hint: VERSIONS_HINT,
    cause: result.error,
  });
}

/** The events of one stream, in order, as the contract types them. */
export async function* readEvents<M extends EventMap>(body: Body, events: M, server: string): AsyncGenerator<StreamEvent<M>> {
  for await (const raw of readSse(body)) {
    const event = readEvent(events, raw, server);
    if (event) yield event;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

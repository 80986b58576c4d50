/**
 * Writes one of the contract's event streams (src/api/streams.ts). The compiler
 * checks each event's name and payload against the contract; nothing is checked at
 * run time (the agent made the payload) and no schema is bundled into the agent.
 */
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { EventData, EventMap, EventName } from '../src/api/streams.js';

/**
 * Every event stream the agent serves opens here, with a comment line (`: open`) sent
 * at once: nginx 1.22 holds a response's headers over HTTP/2 until its first body
 * byte, so a stream whose first event comes late (a quiet log, a deploy's long fetch)
 * would look stuck to the browser. Clients skip comment lines (src/client/sse.ts,
 * EventSource).
 */
export function openEventStream(c: Context, body: (stream: SSEStreamingApi) => Promise<void>): Response {
  return streamSSE(c, async (stream) => {
    await stream.write(': open\n\n');
    await body(stream);
  });
}

export type EventWriter<M extends EventMap> = <E extends EventName<M>>(event: E, data: EventData<M, E>) => Promise<void>;

/** A string payload goes as the data itself (a script's output, as it came); any other as JSON. */
export function eventWriter<M extends EventMap>(stream: SSEStreamingApi): EventWriter<M> {
  return (event, data) => stream.writeSSE({ event, data: typeof data === 'string' ? data : JSON.stringify(data) });
}

/**
 * Writes one of the contract's event streams (src/api/streams.ts). The compiler
 * checks each event's name and payload against the contract; nothing is checked at
 * run time (the agent made the payload) and no schema is bundled into the agent.
 */
import type { SSEStreamingApi } from 'hono/streaming';
import type { EventData, EventMap, EventName } from '../src/api/streams.js';

export type EventWriter<M extends EventMap> = <E extends EventName<M>>(event: E, data: EventData<M, E>) => Promise<void>;

/** A string payload goes as the data itself (a script's output, as it came); any other as JSON. */
export function eventWriter<M extends EventMap>(stream: SSEStreamingApi): EventWriter<M> {
  return (event, data) => stream.writeSSE({ event, data: typeof data === 'string' ? data : JSON.stringify(data) });
}

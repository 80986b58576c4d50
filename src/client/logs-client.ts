/**
 * /api/logs for the laptop: which logs exist, the newest lines of one, and following
 * one live (through dropped connections; see follow.ts).
 */
import { HmsError } from '../errors.js';
import {
  logFollowDroppedSchema,
  logFollowEndSchema,
  logLineSchema,
  logLinesResponseSchema,
  logSourcesResponseSchema,
  type LogLine,
} from '../api/logs.js';
import type { ApiClient } from './api-client.js';
import { eventData, followEvents, openEventStream } from './follow.js';

/** What a read asks for; the agent checks every value and names a bad one. */
export interface LogReadOptions {
  lines?: number | undefined;
  grep?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  priority?: string | undefined;
}

export type LogFollowOptions = Omit<LogReadOptions, 'since' | 'until'>;

export type LogFollowEvent = { kind: 'line'; line: LogLine } | { kind: 'dropped'; count: number };

function query(options: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(options)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

const logPath = (source: string) => `/api/logs/${encodeURIComponent(source)}`;

export function listLogSources(client: ApiClient) {
  return client.call(logSourcesResponseSchema, '/api/logs');
}

export function readLog(client: ApiClient, source: string, options: LogReadOptions = {}) {
  return client.call(logLinesResponseSchema, `${logPath(source)}${query({ ...options })}`);
}

/**
 * New lines of `source` as they are written, after a backlog of `lines` (only on the
 * first connection: a reconnect asks for none, so nothing repeats). Ends when
 * `signal` aborts; throws when the agent refuses or stops reading the log.
 */
export async function* followLog(
  client: ApiClient,
  source: string,
  options: LogFollowOptions & { signal?: AbortSignal | undefined; note(text: string): void; idleMs?: number },
): AsyncGenerator<LogFollowEvent> {
  const { signal, note, idleMs, ...filters } = options;
  const events = followEvents({
    signal,
    note,
    ...(idleMs === undefined ? {} : { idleMs }),
    open: ({ resume, signal: connection }) =>
      openEventStream(client, `${logPath(source)}/follow${query({ ...filters, lines: resume ? 0 : filters.lines })}`, { signal: connection }),
  });
  for await (const event of events) {
    if (event.event === 'line') yield { kind: 'line', line: eventData(logLineSchema, event, client.server) };
    else if (event.event === 'dropped') yield { kind: 'dropped', count: eventData(logFollowDroppedSchema, event, client.server).count };
    else if (event.event === 'end') {
      const { reason } = eventData(logFollowEndSchema, event, client.server);
      throw new HmsError(`The agent on ${client.server} stopped following ${source}: ${reason}`, {
        hint: `Run \`hms logs ${source}\` to see whether the log is still there, then follow it again.`,
      });
    }
  }
}

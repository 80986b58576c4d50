/**
 * /api/logs for the laptop: which logs exist, the newest lines of one, and following
 * one live (through dropped connections; see follow.ts).
 */
import { HmsError } from '../core/errors.js';
import {
  logFollowDroppedSchema,
  logFollowEndSchema,
  logLineSchema,
  logLinesResponseSchema,
  logSourcesResponseSchema,
  type LogLine,
} from '../api/logs.js';
import type { ApiClient } from './api-client.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventData, followEvents, openEventStream } from './follow.js';
import { FollowResume, RESUME_BACKLOG } from './follow-resume.js';
import type { SseEvent } from './sse.js';

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

/** Quiet for this long while matching a resumed backlog: the backlog is all there. */
const SETTLE_MS = 1500;

/**
 * New lines of `source` as they are written, after a backlog of `lines`. A reconnect
 * asks for the full backlog and resumes after the last line shown (follow-resume.ts),
 * so nothing repeats and nothing written meanwhile is lost. Ends when `signal`
 * aborts; throws when the agent refuses, or stays away longer than follow.ts allows.
 */
export async function* followLog(
  client: ApiClient,
  source: string,
  options: LogFollowOptions & { signal?: AbortSignal | undefined; note(text: string): void; idleMs?: number; giveUpMs?: number },
): AsyncGenerator<LogFollowEvent> {
  const { signal, note, idleMs, giveUpMs, ...filters } = options;
  const resume = new FollowResume();
  const events = followEvents({
    signal,
    note,
    endEvent: 'end',
    ...(idleMs === undefined ? {} : { idleMs }),
    ...(giveUpMs === undefined ? {} : { giveUpMs }),
    open: ({ resume: again, signal: connection }) => {
      if (again) resume.begin();
      const lines = again ? RESUME_BACKLOG : filters.lines;
      return openEventStream(client, `${logPath(source)}/follow${query({ ...filters, lines })}`, { signal: connection });
    },
  });
  const iterator = events[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<SseEvent>> | undefined;
  try {
    for (;;) {
      next ??= iterator.next();
      const result = resume.resyncing ? await settleOr(next, resume.waitMs(SETTLE_MS)) : await next;
      if (result === 'quiet') {
        const settled = resume.settle();
        if (settled.gap) note(`more than ${RESUME_BACKLOG} lines came while reconnecting: some may be missing`);
        for (const line of settled.lines) yield shown(resume, line);
        continue;
      }
      next = undefined;
      if (result.done) return;
      const event = result.value;
      if (event.event === 'line') {
        for (const line of resume.offer(eventData(logLineSchema, event, client.server))) yield shown(resume, line);
      } else if (event.event === 'dropped') yield { kind: 'dropped', count: eventData(logFollowDroppedSchema, event, client.server).count };
      else if (event.event === 'end') {
        const { reason } = eventData(logFollowEndSchema, event, client.server);
        throw new HmsError(`The agent on ${client.server} stopped following ${source}: ${reason}`, {
          hint: `Run \`hms logs ${source}\` to see whether the log is still there, then follow it again.`,
        });
      }
    }
  } finally {
    // A read still in flight (kept across the settle timer) has to land before the stream can be closed.
    if (next) void next.then(() => iterator.return?.(undefined), () => undefined);
    else await iterator.return?.(undefined);
  }
}

function shown(resume: FollowResume, line: LogLine): LogFollowEvent {
  resume.shown(line);
  return { kind: 'line', line };
}

async function settleOr<T>(next: Promise<T>, ms: number): Promise<T | 'quiet'> {
  const timer = new AbortController();
  try {
    return await Promise.race([next, sleep(ms, 'quiet' as const, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}

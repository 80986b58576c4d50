/**
 * /api/logs for the laptop: which logs exist, the newest lines of one, and following
 * one live (through dropped connections, by the one retry policy; see follow.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogLine } from '../api/logs.js';
import { FOLLOW_BATCH_HEADER, linesOf, logLinesResponseSchema, logSourcesResponseSchema } from '../api/logs.js';
import { apiPaths } from '../api/paths.js';
import { LOG_FOLLOW_EVENTS, type LogFollowEvents, type StreamEvent } from '../api/streams.js';
import { HmsError } from '../core/errors.js';
import type { ApiClient } from './api-client.js';
import { openEventStream, readEvent } from './events.js';
import { followEvents, type FollowOptions } from './follow.js';
import { FollowResume, RESUME_BACKLOG } from './follow-resume.js';

/** What a read asks for; the agent checks every value and names a bad one. */
export interface LogReadOptions {
  lines?: number | undefined;
  grep?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  priority?: string | undefined;
}

export type LogFollowOptions = Omit<LogReadOptions, 'since' | 'until'>;

/** A line; lines the agent left out (too slow a reader); lines perhaps lost while reconnecting. */
export type LogFollowEvent = { kind: 'line'; line: LogLine } | { kind: 'dropped'; count: number } | { kind: 'gap'; backlog: number };
/** As LogFollowEvent, with the lines that came together in one batch. */
export type LogFollowBatch = Exclude<LogFollowEvent, { kind: 'line' }> | { kind: 'lines'; lines: LogLine[] };

/** The client, or how to get it for each connection (a view's shared one, opened again after it failed). */
export type ClientSource = ApiClient | (() => Promise<ApiClient>);

export function listLogSources(client: ApiClient) {
  return client.call(logSourcesResponseSchema, apiPaths.logs.list());
}

export function readLog(client: ApiClient, source: string, options: LogReadOptions = {}) {
  return client.call(logLinesResponseSchema, apiPaths.logs.lines(source, { ...options }));
}

/** Quiet for this long while matching a resumed backlog: the backlog is all there. */
const SETTLE_MS = 1500;

/**
 * New lines of `source` as they are written, after a backlog of `lines`, in batches
 * (the agent sends up to thousands of lines an event at a high rate). A reconnect
 * asks for the full backlog and resumes after the last line shown (follow-resume.ts),
 * so nothing repeats and nothing written meanwhile is lost. `onState` hears where the
 * follow stands, its end included. Ends when `signal` aborts; throws when the agent
 * refuses, sends what the contract does not know, or stays away longer than the
 * retry policy allows (retry.ts).
 */
export async function* followLogBatches(
  reach: ClientSource,
  source: string,
  options: LogFollowOptions & Omit<FollowOptions<unknown>, 'open' | 'read' | 'endReason'>,
): AsyncGenerator<LogFollowBatch> {
  const { signal, onState, waitForAgent, idleMs, giveUpMs, ...filters } = options;
  const resume = new FollowResume();
  /** The server's name, for messages: known once a connection opened, which comes before any event. */
  let server = '';
  const events = followEvents<StreamEvent<LogFollowEvents>>({
    signal,
    onState,
    waitForAgent,
    idleMs,
    giveUpMs,
    read: (raw) => readEvent(LOG_FOLLOW_EVENTS, raw, server),
    endReason: (event) => (event.event === 'end' ? event.data.reason : undefined),
    open: async ({ resume: again, signal: connection }) => {
      const client = typeof reach === 'function' ? await reach() : reach;
      server = client.server;
      if (again) resume.begin();
      const lines = again ? RESUME_BACKLOG : filters.lines;
      const headers = { [FOLLOW_BATCH_HEADER]: '1' };
      return openEventStream(client, apiPaths.logs.follow(source, { ...filters, lines }), { signal: connection, headers });
    },
  });
  const iterator = events[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<StreamEvent<LogFollowEvents>>> | undefined;
  let failure: unknown;
  try {
    for (;;) {
      next ??= iterator.next();
      const result = resume.resyncing ? await settleOr(next, resume.waitMs(SETTLE_MS)) : await next;
      if (result === 'quiet') {
        const settled = resume.settle();
        if (settled.gap) yield { kind: 'gap', backlog: RESUME_BACKLOG };
        if (settled.lines.length > 0) yield shown(resume, settled.lines);
        continue;
      }
      next = undefined;
      if (result.done) return;
      const event = result.value;
      if (event.event === 'line' || event.event === 'lines') {
        const offered = event.event === 'line' ? [event.data] : linesOf(event.data);
        const lines = resume.resyncing ? offered.flatMap((line) => resume.offer(line)) : offered;
        if (lines.length > 0) yield shown(resume, lines);
      } else if (event.event === 'dropped') yield { kind: 'dropped', count: event.data.count };
      else {
        throw new HmsError(`The agent on ${server} stopped following ${source}: ${event.data.reason}`, {
          hint: `Run \`hms logs ${source}\` to see whether the log is still there, then follow it again.`,
        });
      }
    }
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    // A read still in flight (kept across the settle timer) has to land before the stream can be closed.
    if (next)
      void next.then(
        () => iterator.return?.(undefined),
        () => undefined,
      );
    else await iterator.return?.(undefined);
    onState?.({ kind: 'ended', at: new Date(), ...(failure === undefined ? {} : { error: failure }) });
  }
}

/** followLogBatches one line at a time (the CLI prints line by line). */
export async function* followLog(
  reach: ClientSource,
  source: string,
  options: LogFollowOptions & Omit<FollowOptions<unknown>, 'open' | 'read' | 'endReason'>,
): AsyncGenerator<LogFollowEvent> {
  for await (const event of followLogBatches(reach, source, options)) {
    if (event.kind === 'lines') for (const line of event.lines) yield { kind: 'line', line };
    else yield event;
  }
}

function shown(resume: FollowResume, lines: LogLine[]): LogFollowBatch {
  resume.shownAll(lines);
  return { kind: 'lines', lines };
}

async function settleOr<T>(next: Promise<T>, ms: number): Promise<T | 'quiet'> {
  const timer = new AbortController();
  try {
    return await Promise.race([next, sleep(ms, 'quiet' as const, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}

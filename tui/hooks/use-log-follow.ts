/**
 * The log view's feed: one follow stream per log of the target (an app's puma log
 * and nginx's), merged into one ring buffer, each line tagged with its log.
 * Lines are batched and the screen re-renders at most every 100 ms, whatever the
 * rate. Each stream waits for an agent that is not up yet and rides out dropped
 * connections by the client's one retry policy; one that ends for good (a refusal,
 * the policy's limit) says why and turns red, and the others go on.
 */
import { useEffect, useState } from 'react';
import { gapText, type FollowState } from '../../src/client/follow-state.js';
import { followLogBatches } from '../../src/client/logs-client.js';
import { DEFAULT_LOG_CAPACITY, logEntry, NOTE_SOURCE, orderBatch, type LogEntry } from '../state/log-view.js';
import { streamNote, streamStatus, type StreamStatus } from '../state/log-stream.js';
import { RingBuffer } from '../state/ring-buffer.js';
import type { TuiSession } from '../session.js';
import { KEEP_TRYING } from '../../src/client/retry.js';

export interface LogFollow {
  buffer: RingBuffer<LogEntry>;
  /** Bumped on each flushed batch: what the view depends on. */
  version: number;
  streams: Record<string, StreamStatus>;
  clear(): void;
}

export const FLUSH_MS = 100;
const BACKLOG = 200;

export function useLogFollow(
  session: Pick<TuiSession, 'connections' | 'stats'>,
  target: { server: string; sources: string[] } | undefined,
  capacity = DEFAULT_LOG_CAPACITY,
): LogFollow {
  // Made once: a buffer is an array of `capacity` slots, and the App renders many times a second while a log streams.
  const [buffer] = useState(() => new RingBuffer<LogEntry>(capacity));
  const [version, setVersion] = useState(0);
  const [streams, setStreams] = useState<Record<string, StreamStatus>>({});
  const key = target ? `${target.server}\n${target.sources.join('\n')}` : '';

  useEffect(() => {
    if (!target) return;
    const stop = new AbortController();
    let pending: LogEntry[] = [];
    buffer.clear();
    setStreams(Object.fromEntries(target.sources.map((source) => [source, { state: 'connecting' }])));
    const status = (source: string, next: StreamStatus): void => setStreams((previous) => ({ ...previous, [source]: next }));
    const note = (text: string): void => {
      pending.push({ source: NOTE_SOURCE, text, ts: new Date().toISOString() });
    };
    const flush = (): void => {
      if (pending.length === 0) return;
      const batch = orderBatch(pending);
      pending = [];
      buffer.pushAll(batch);
      session.stats.batch(batch.length);
      session.stats.lag(batch.at(-1)?.ts);
      setVersion((v) => v + 1);
    };
    const timer = setInterval(flush, FLUSH_MS);

    const follow = async (source: string): Promise<void> => {
      const onState = (state: FollowState): void => {
        if (stop.signal.aborted) return;
        const text = streamNote(source, state);
        if (text !== undefined) note(text);
        status(source, streamStatus(state));
      };
      const client = async () => (await session.connections.get(target.server)).client;
      let flowing = false;
      try {
        for await (const event of followLogBatches(client, source, {
          lines: BACKLOG,
          signal: stop.signal,
          waitForAgent: true,
          giveUpMs: KEEP_TRYING,
          onState,
        })) {
          if (!flowing) {
            flowing = true;
            status(source, { state: 'following' });
          }
          if (event.kind === 'lines') {
            session.stats.lines(source, event.lines);
            for (const line of event.lines) pending.push(logEntry(source, line.text, line.ts));
          } else if (event.kind === 'dropped') {
            session.stats.dropped(source, event.count);
            note(`${source}: the agent skipped ${event.count} lines (they came faster than they could be sent)`);
          } else note(`${source}: ${gapText(event.backlog)}`);
        }
      } catch {
        // Over for good: its ended state said why, and its dot is red.
      }
    };
    for (const source of target.sources) void follow(source);
    return () => {
      stop.abort();
      clearInterval(timer);
    };
  }, [key]);

  return {
    buffer,
    version,
    streams,
    clear() {
      buffer.clear();
      setVersion((v) => v + 1);
    },
  };
}

/**
 * The log view's feed: one follow stream per log of the target (an app's puma log
 * and nginx's), merged into one ring buffer, each line tagged with its log.
 * Lines are batched and the screen re-renders at most every 100 ms, whatever the
 * rate; streams reconnect by themselves (follow.ts), and a stream that ends or is
 * refused is tried again with backoff, so the view never dies.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { useEffect, useRef, useState } from 'react';
import { backoffMs } from '../../src/client/follow.js';
import { followLog } from '../../src/client/logs-client.js';
import { DEFAULT_LOG_CAPACITY, logEntry, NOTE_SOURCE, orderBatch, type LogEntry } from '../state/log-view.js';
import { RingBuffer } from '../state/ring-buffer.js';
import type { TuiSession } from '../session.js';
import { errorNotice } from './use-notice.js';

export type StreamStatus = { state: 'connecting' | 'following' | 'reconnecting'; text?: string | undefined };

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
  const buffer = useRef(new RingBuffer<LogEntry>(capacity)).current;
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
      setVersion((v) => v + 1);
    };
    const timer = setInterval(flush, FLUSH_MS);

    const follow = async (source: string): Promise<void> => {
      let failures = 0;
      let received = false;
      while (!stop.signal.aborted) {
        try {
          const { client } = await session.connections.get(target.server);
          const events = followLog(client, source, {
            lines: received ? 0 : BACKLOG,
            signal: stop.signal,
            note: (text) => {
              note(`${source}: ${text}`);
              status(source, { state: text.startsWith('reconnected') ? 'following' : 'reconnecting', text });
            },
          });
          // Green once a line came on this connection: a quiet log stays yellow, which is honest.
          status(source, { state: 'connecting' });
          let flowing = false;
          for await (const event of events) {
            if (!flowing) {
              flowing = true;
              status(source, { state: 'following' });
            }
            if (event.kind === 'line') {
              received = true;
              failures = 0;
              session.stats.line(source, event.line.text);
              pending.push(logEntry(source, event.line.text, event.line.ts));
            } else {
              session.stats.dropped(source, event.count);
              note(`${source}: the agent skipped ${event.count} lines (they came faster than they could be sent)`);
            }
          }
        } catch (error) {
          if (stop.signal.aborted) return;
          const delay = Math.max(2000, backoffMs(++failures));
          const { text } = errorNotice(error);
          status(source, { state: 'reconnecting', text: `${text}; retrying in ${Math.round(delay / 1000)}s` });
          note(`${source}: ${text}`);
          await sleep(delay, undefined, { signal: stop.signal }).catch(() => undefined);
        }
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

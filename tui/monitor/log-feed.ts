/**
 * Follows one log for the panel until `signal` aborts. The client's follow already
 * rides out dropped connections; this also retries a first connection that failed
 * (agent not reachable yet), and stops with the reason when the agent refuses
 * (unknown log, bad token): asking again would get the same answer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogLine } from '../../src/api/logs.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { backoffMs, isRetryable } from '../../src/client/follow.js';
import { followLog } from '../../src/client/logs-client.js';
import { errorText } from './log-view.js';

export interface LogFeedOptions {
  client: ApiClient;
  source: string;
  /** Lines from before the start to show first. */
  backlog: number;
  signal: AbortSignal;
  onLine(line: LogLine): void;
  /** Connection news and failures, for people. */
  onNote(text: string): void;
}

export async function feedLog(options: LogFeedOptions): Promise<void> {
  const { client, source, signal, onNote } = options;
  let attempt = 0;
  let shown = false;
  while (!signal.aborted) {
    try {
      const events = followLog(client, source, { lines: shown ? 0 : options.backlog, signal, note: onNote });
      for await (const event of events) {
        attempt = 0;
        if (event.kind === 'line') {
          shown = true;
          options.onLine(event.line);
        } else {
          onNote(`${event.count} lines of ${source} skipped: they came faster than they were read.`);
        }
      }
      return;
    } catch (error) {
      if (signal.aborted) return;
      if (!isRetryable(error)) {
        onNote(`Stopped following ${source}: ${errorText(error)}`);
        return;
      }
      const wait = backoffMs(attempt);
      attempt += 1;
      onNote(`Cannot follow ${source} yet: ${errorText(error)} Retrying in ${Math.ceil(wait / 1000)} s.`);
      await sleep(wait, undefined, { signal }).catch(() => undefined);
    }
  }
}

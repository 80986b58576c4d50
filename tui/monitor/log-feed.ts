/**
 * Follows one log for the panel until `signal` aborts, by the client's one retry
 * policy: it waits for an agent that is not reachable yet, rides out dropped
 * connections, and stops with the reason when the agent refuses (unknown log, bad
 * token) or stays away past the policy's limit. It never throws: the panel says it.
 */
import type { LogLine } from '../../src/api/logs.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { followStateText, gapText, type FollowState } from '../../src/client/follow-state.js';
import { followLog } from '../../src/client/logs-client.js';
import { errorText } from './log-view.js';
import { KEEP_TRYING } from '../../src/client/retry.js';

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
  const onState = (state: FollowState): void => {
    const text = feedNote(source, state);
    if (text !== undefined) onNote(text);
  };
  try {
    for await (const event of followLog(client, source, {
      lines: options.backlog,
      signal,
      waitForAgent: true,
      giveUpMs: KEEP_TRYING,
      onState,
    })) {
      if (event.kind === 'line') options.onLine(event.line);
      else if (event.kind === 'dropped') onNote(`${event.count} lines of ${source} skipped: they came faster than they were read.`);
      else onNote(gapText(event.backlog));
    }
  } catch {
    // Over for good: the ended state said why.
  }
}

/** The panel's words for where the follow stands; undefined when there is nothing new to say. */
export function feedNote(source: string, state: FollowState): string | undefined {
  if (state.kind === 'reconnecting' && !state.opened) {
    return `Cannot follow ${source} yet: ${errorText(state.error ?? state.reason)} Retrying in ${Math.ceil(state.retryInMs / 1000)} s.`;
  }
  if (state.kind === 'ended') return state.error === undefined ? undefined : `Stopped following ${source}: ${errorText(state.error)}`;
  return followStateText(state);
}

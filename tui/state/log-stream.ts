/**
 * A followed log in the log view, from where its follow stands
 * (src/client/follow-state.ts): the colour of its dot, and the lines said about it.
 */
import { followStateText, type FollowState } from '../../src/client/follow-state.js';

export interface StreamStatus {
  /** Yellow, green, red, red. */
  state: 'connecting' | 'following' | 'reconnecting' | 'stopped';
  follow?: FollowState | undefined;
}

/**
 * An open stream stays `connecting` until something comes on it (the hook turns it
 * green then): a quiet log stays yellow, which is honest. Back after a drop is green.
 */
export function streamStatus(follow: FollowState): StreamStatus {
  const state = { connected: 'connecting', reconnecting: 'reconnecting', reconnected: 'following', ended: 'stopped' } as const;
  return { state: state[follow.kind], follow };
}

/** The view's line about it, tagged with its log; undefined when there is nothing new to say. */
export function streamNote(source: string, follow: FollowState): string | undefined {
  const failed = (follow.kind === 'reconnecting' && !follow.opened) || follow.kind === 'ended' ? follow.error : undefined;
  if (failed !== undefined) return `${source}: ${failed instanceof Error ? failed.message : String(failed)}`;
  const text = followStateText(follow);
  return text === undefined ? undefined : `${source}: ${text}`;
}

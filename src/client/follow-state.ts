/**
 * Where a followed stream stands, as data: views decide from it what to show (a
 * colour, a line), and the words every view shares are rendered here from it.
 */

export type FollowState =
  /** The first stream opened. */
  | { kind: 'connected'; at: Date }
  /**
   * No stream: the last one dropped, or (`opened` false) none has opened yet. Another
   * try comes in `retryInMs`; the follow gives up `giveUpMs` after `since`.
   */
  | {
      kind: 'reconnecting';
      at: Date;
      /** Why, for people: the error's message, or how the stream ended. */
      reason: string;
      /** The failure, when one was thrown (it may carry a hint). */
      error?: unknown;
      /** Failed tries since a stream last opened: 0 when it just dropped. */
      attempt: number;
      /** Whether a stream ever opened. */
      opened: boolean;
      since: Date;
      retryInMs: number;
      giveUpMs: number;
    }
  /** A stream opened again after a drop. */
  | { kind: 'reconnected'; at: Date; since: Date }
  /** Over: the caller stopped it (no error), or `error` is final (the follow throws it too). */
  | { kind: 'ended'; at: Date; error?: unknown };

/**
 * The connection news all views print: a drop, the moment it is noticed, and the way
 * back. Undefined for what a view words itself (waiting for a first stream, the end)
 * or leaves unsaid.
 */
export function followStateText(state: FollowState): string | undefined {
  if (state.kind === 'reconnected') return 'reconnected';
  if (state.kind !== 'reconnecting' || !state.opened || state.attempt > 0) return undefined;
  const limit = Number.isFinite(state.giveUpMs) ? ` (for up to ${Math.round(state.giveUpMs / 60_000)} min)` : '';
  return `lost the connection (${state.reason}); reconnecting…${limit}`;
}

/** A resumed log follow could not tell where it left off: `backlog` lines came while away, or more. */
export function gapText(backlog: number): string {
  return `more than ${backlog} lines came while reconnecting: some may be missing`;
}

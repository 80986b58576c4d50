/** The log view's dot and lines for a followed log, rendered from the follow's states. */
import { describe, expect, it } from 'vitest';
import type { FollowState } from '../../../src/client/follow-state.js';
import { HmsError } from '../../../src/core/errors.js';
import { streamNote, streamStatus } from '../../../tui/state/log-stream.js';

const at = new Date('2026-11-25T18:02:11Z');
const lost = (attempt: number, opened = true): FollowState => ({
  kind: 'reconnecting',
  at,
  reason: 'other side closed',
  error: new Error('other side closed'),
  attempt,
  opened,
  since: at,
  retryInMs: 500,
  giveUpMs: 300_000,
});

describe('a followed log in the log view', () => {
  it('Given a stream that drops and comes back, When rendered, Then the dot goes red then green, and the drop is said once', () => {
    const states: FollowState[] = [{ kind: 'connected', at }, lost(0), lost(1), { kind: 'reconnected', at, since: at }];
    expect(states.map((state) => streamStatus(state).state)).toEqual(['connecting', 'reconnecting', 'reconnecting', 'following']);
    expect(states.map((state) => streamNote('cigar:production', state))).toEqual([
      undefined,
      'cigar:production: lost the connection (other side closed); reconnecting… (for up to 5 min)',
      undefined,
      'cigar:production: reconnected',
    ]);
  });

  it('Given an agent not up yet, then a refusal, When rendered, Then each failure is said and the stream stops red', () => {
    const refused: FollowState = { kind: 'ended', at, error: new HmsError('test: unknown log nope:production') };
    expect(streamNote('nope:production', lost(0, false))).toBe('nope:production: other side closed');
    expect(streamNote('nope:production', refused)).toBe('nope:production: test: unknown log nope:production');
    expect(streamStatus(refused).state).toBe('stopped');
    expect(streamNote('nope:production', { kind: 'ended', at })).toBeUndefined();
  });
});

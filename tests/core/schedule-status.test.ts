import { describe, expect, it } from 'vitest';
import { formatDuration, formatIn, resultWords } from '../../src/core/schedule-status.js';

describe('schedule words', () => {
  it('Given durations, When formatted, Then ms, seconds with a tenth, minutes and hours', () => {
    expect([null, 850, 12_340, 245_000, 7_800_000].map(formatDuration)).toEqual(['–', '850ms', '12.3s', '4m05s', '2h10m']);
  });
  it('Given a next run, When formatted, Then how long until it; none when the timer is not armed', () => {
    const now = new Date('2026-12-07T05:40:00Z');
    expect(formatIn('2026-12-07T05:40:04Z', now)).toBe('in 4s');
    expect(formatIn('2026-12-07T07:43:00Z', now)).toBe('in 2h3m');
    expect(formatIn(null, now)).toBe('–');
  });
  it('Given failures, When worded, Then the exit status or systemd word', () => {
    expect(resultWords({ result: 'failed', failure: 'exit-code', exitStatus: 3 })).toBe('failed (exit 3)');
    expect(resultWords({ result: 'failed', failure: 'timeout', exitStatus: 15 })).toBe('failed (timeout)');
    expect(resultWords({ result: 'never', failure: null, exitStatus: null })).toBe('never');
  });
});

import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/api/alerts.js';
import { deliveryState, formatLeft, formatMinutes, parseMuteDuration, testResult } from '../../src/core/alert-status.js';

const NOW = new Date('2026-12-07T10:00:00.000Z');
const USAGE = 'hms alerts mute <rule|app> --for 2h';
const delivery = (extra: Partial<Delivery>): Delivery => ({
  id: 'd1',
  channel: 'ops',
  event: 'test',
  incident: null,
  title: 'Test',
  createdAt: NOW.toISOString(),
  attempts: 1,
  state: 'sent',
  sentAt: NOW.toISOString(),
  lastError: null,
  ...extra,
});

describe('mute durations', () => {
  it.each([
    ['30m', 30],
    ['1m', 1],
    ['2h', 120],
    ['1d', 1440],
    ['7d', 10080],
    ['10080m', 10080],
    ['168h', 10080],
    [' 45m ', 45],
  ])('Given --for %s, When parsed, Then it is %i minutes', (text, minutes) => {
    expect(parseMuteDuration(text, USAGE)).toBe(minutes);
  });

  it.each([['2w'], ['1.5h'], ['h'], ['2'], ['-1h'], ['2 h'], ['1h30m'], ['']])(
    'Given --for "%s", When parsed, Then it is refused with the form',
    (text) => {
      expect(() => parseMuteDuration(text, USAGE)).toThrow(`"${text}" is not a duration.`);
    },
  );

  it('Given over 7 days, zero, or no --for, When parsed, Then each is refused, the hint showing the form', () => {
    for (const [text, message] of [
      ['8d', '8d is longer than 7 days.'],
      ['169h', '169h is longer than 7 days.'],
      ['10081m', '10081m is longer than 7 days.'],
      ['0h', 'A mute of no time holds nothing back.'],
      [undefined, 'How long? `--for` is required.'],
    ] as const) {
      const error = (() => {
        try {
          parseMuteDuration(text, USAGE);
        } catch (e) {
          return e as Error & { hint: string; exitCode: number };
        }
      })();
      expect(error?.message).toBe(message);
      expect(error?.hint).toContain('30m, 2h, 1d (at most 7d)');
      expect(error?.exitCode).toBe(2);
    }
  });

  it('Given minutes, When worded, Then in the largest units', () => {
    expect([0, 45, 60, 90, 1440, 1530, 10080].map(formatMinutes)).toEqual(['0m', '45m', '1h', '1h30m', '1d', '1d1h30m', '7d']);
  });

  it('Given a mute end, When its time left is worded, Then as hms says durations, or ended once past', () => {
    expect(formatLeft('2026-12-07T12:00:00.000Z', NOW)).toBe('2h0m left');
    expect(formatLeft('2026-12-07T10:00:30.000Z', NOW)).toBe('30s left');
    expect(formatLeft('2026-12-09T10:00:00.000Z', NOW)).toBe('2d left');
    expect(formatLeft('2026-12-07T09:59:00.000Z', NOW)).toBe('ended');
  });
});

describe('deliveries in words', () => {
  it('Given each state, When worded, Then sent with when, or queued with its attempts and error', () => {
    expect(deliveryState(delivery({ sentAt: '2026-12-07T09:57:00.000Z' }), NOW)).toBe('sent 3m ago');
    expect(deliveryState(delivery({ state: 'queued', attempts: 0, sentAt: null }), NOW)).toBe('queued');
    expect(deliveryState(delivery({ state: 'queued', attempts: 1, sentAt: null, lastError: 'HTTP 500' }), NOW)).toBe(
      'queued (1 attempt: HTTP 500)',
    );
    expect(deliveryState(delivery({ state: 'queued', attempts: 4, sentAt: null, lastError: 'timeout' }), NOW)).toBe(
      'queued (4 attempts: timeout)',
    );
  });

  it('Given a test after its first attempt, When worded, Then sent, failed and retried, or waiting behind earlier ones', () => {
    expect(testResult(delivery({}))).toEqual({ ok: true, text: 'ops: sent' });
    expect(testResult(delivery({ state: 'queued', sentAt: null, lastError: '535 auth failed' }))).toEqual({
      ok: false,
      text: 'ops: ✗ 535 auth failed (kept, and retried with backoff)',
    });
    expect(testResult(delivery({ state: 'queued', attempts: 0, sentAt: null }))).toEqual({
      ok: false,
      text: "ops: queued behind the channel's earlier deliveries (they go in order)",
    });
  });
});

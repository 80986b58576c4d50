import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/api/alerts.js';
import { deliveryState, formatLeft, testResult } from '../../src/core/alert-status.js';

const NOW = new Date('2026-12-07T10:00:00.000Z');
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

describe('a mute in words', () => {
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

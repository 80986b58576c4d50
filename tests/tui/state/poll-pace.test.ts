import { describe, expect, it } from 'vitest';
import type { AppsResponse } from '../../../src/api/apps.js';
import { nextPollMs, snapshotFingerprint } from '../../../tui/state/poll-pace.js';

const snapshot = (overrides: { memoryBytes?: number; mainPid?: number; ok?: boolean; ms?: number; at?: string } = {}): AppsResponse =>
  ({
    hostname: 'web1',
    version: '1.0.0',
    at: overrides.at ?? '2026-12-03T14:00:00.000Z',
    apps: [
      {
        name: 'cigar',
        kind: 'app',
        state: {
          unit: 'cigar.service',
          description: 'cigar',
          loadState: 'loaded',
          activeState: 'active',
          subState: 'running',
          since: '2026-12-03T13:00:00.000Z',
          mainPid: overrides.mainPid ?? 4242,
          memoryBytes: overrides.memoryBytes ?? 1000,
          restarts: 0,
          result: 'success',
        },
        health: { ok: overrides.ok ?? true, via: 'socket', status: 200, ms: overrides.ms ?? 3, error: null },
        currentRelease: '20261203130000',
      },
    ],
  }) as AppsResponse;

describe('poll pace', () => {
  it(
    'Given answers that differ only in memory, probe time and their own time, ' +
      'When compared, Then nothing changed; a new PID or health is a change',
    () => {
      const base = snapshotFingerprint(snapshot());
      expect(snapshotFingerprint(snapshot({ memoryBytes: 2000, ms: 9, at: '2026-12-03T14:00:02.000Z' }))).toBe(base);
      expect(snapshotFingerprint(snapshot({ mainPid: 5151 }))).not.toBe(base);
      expect(snapshotFingerprint(snapshot({ ok: false }))).not.toBe(base);
    },
  );

  it('Given nothing changes, When polling goes on, Then the pause grows from 2 s to 10 s; a change brings it back to 2 s', () => {
    const pauses: number[] = [];
    let pause = 2000;
    for (let i = 0; i < 6; i += 1) pauses.push((pause = nextPollMs(pause, false, 2000)));
    expect(pauses).toEqual([3000, 4500, 6750, 10_000, 10_000, 10_000]);
    expect(nextPollMs(10_000, true, 2000)).toBe(2000);
  });
});

import { describe, expect, it } from 'vitest';
import { TIME_SPEC_PATTERN } from '../../../../src/api/logs.js';
import { resolveTimeSpec, resolveWindow } from '../../../../server/services/logs/window.js';

const now = new Date('2026-11-25T18:00:00.000Z');

describe('time specs', () => {
  it('Given journalctl-style relative times, When resolved, Then they count back (or forward) from the agent clock', () => {
    expect(resolveTimeSpec('-1h', now)?.toISOString()).toBe('2026-11-25T17:00:00.000Z');
    expect(resolveTimeSpec('10 min ago', now)?.toISOString()).toBe('2026-11-25T17:50:00.000Z');
    expect(resolveTimeSpec('+30s', now)?.toISOString()).toBe('2026-11-25T18:00:30.000Z');
    expect(resolveTimeSpec('-2d', now)?.toISOString()).toBe('2026-11-23T18:00:00.000Z');
    // bare: that long ago
    expect(TIME_SPEC_PATTERN.test('1h') && resolveTimeSpec('1h', now)?.toISOString()).toBe('2026-11-25T17:00:00.000Z');
  });

  it('Given ISO dates, When resolved, Then an offset is honoured and none means local time', () => {
    expect(resolveTimeSpec('2026-11-25T18:02:11Z', now)?.toISOString()).toBe('2026-11-25T18:02:11.000Z');
    expect(resolveTimeSpec('2026-11-25T18:02:11+01:00', now)?.toISOString()).toBe('2026-11-25T17:02:11.000Z');
    expect(resolveTimeSpec('2026-11-25 18:02', now)?.toISOString()).toBe(new Date(2026, 10, 25, 18, 2).toISOString());
    expect(resolveTimeSpec('2026-11-25', now)?.toISOString()).toBe(new Date(2026, 10, 25).toISOString());
  });

  it('Given today and yesterday, When resolved, Then they are local midnights', () => {
    const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    expect(resolveTimeSpec('today', now)?.getTime()).toBe(today.getTime());
    expect(resolveTimeSpec('yesterday', now)!.getTime()).toBeLessThan(today.getTime());
  });

  it('Given shell text or odd forms, When checked against the allow-list pattern, Then they are refused', () => {
    for (const spec of [
      '; rm -rf /',
      '$(id)',
      '-1h; id',
      '1h!',
      '-1h ago',
      'tomorrow',
      '2026-11-25T18:02:11Z\n',
      '@1700000000',
      '-1 fortnight',
    ]) {
      expect(TIME_SPEC_PATTERN.test(spec), spec).toBe(false);
    }
  });

  it('Given a date that does not exist, When the window is resolved, Then a 400 names the parameter', () => {
    expect(() => resolveWindow({ since: '2026-02-31' }, now)).toThrow(/since: "2026-02-31" is not a real date/);
    expect(() => resolveWindow({ since: '-1h', until: '-2h' }, now)).toThrow(/since .* is after until/);
  });

  it(
    'Given a time before 1970 (which journalctl would get as a negative epoch), ' +
      'When the window is resolved, Then a 400 names the parameter',
    () => {
      expect(() => resolveWindow({ since: '-999999 weeks' }, now)).toThrow(
        expect.objectContaining({
          status: 400,
          message: 'Invalid query parameter since: "-999999 weeks" is not a real date (from 1970 to 9999).',
        }),
      );
      expect(() => resolveWindow({ until: '0001-01-01' }, now)).toThrow(/until: "0001-01-01" is not a real date \(from 1970 to 9999\)/);
    },
  );
});

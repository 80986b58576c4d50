import { describe, expect, it } from 'vitest';
import { parseTimeSpec } from '../../src/core/time-spec.js';

const now = new Date('2026-12-03T15:00:00.000Z');
const at = (spec: string) => parseTimeSpec(spec, now)?.toISOString();

describe('parseTimeSpec', () => {
  it('Given amounts with a unit, bare, with a minus or with "ago", When parsed, Then they are that long before now', () => {
    expect(at('10m')).toBe('2026-12-03T14:50:00.000Z');
    expect(at('1h')).toBe('2026-12-03T14:00:00.000Z');
    expect(at('2d')).toBe('2026-12-01T15:00:00.000Z');
    expect(at('-1h')).toBe('2026-12-03T14:00:00.000Z');
    expect(at('10 min ago')).toBe('2026-12-03T14:50:00.000Z');
    expect(at('2 hours ago')).toBe('2026-12-03T13:00:00.000Z');
    expect(at('2  Hours  Ago')).toBe('2026-12-03T13:00:00.000Z');
    expect(at('1w')).toBe('2026-11-26T15:00:00.000Z');
    expect(at('+30s')).toBe('2026-12-03T15:00:30.000Z');
  });

  it('Given ISO dates and times, When parsed, Then an offset is honoured and none means local time', () => {
    expect(at('2026-12-03 14:00:00Z')).toBe('2026-12-03T14:00:00.000Z');
    expect(at('2026-12-03T14:00:00.250+01:00')).toBe('2026-12-03T13:00:00.250Z');
    expect(at('2026-12-03T14:00')).toBe(new Date(2026, 11, 3, 14, 0).toISOString());
    expect(at('2026-12-03')).toBe(new Date(2026, 11, 3).toISOString());
  });

  it('Given today, yesterday and now, When parsed, Then they are local midnights and now', () => {
    expect(at('today')).toBe(new Date(now.getFullYear(), now.getMonth(), now.getDate()).toISOString());
    expect(at('yesterday')).toBe(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1).toISOString());
    expect(at('now')).toBe(now.toISOString());
  });

  it('Given typos, impossible dates and absurd amounts, When parsed, Then there is no time', () => {
    for (const spec of [
      'soon',
      '10 parsecs',
      '2026-02-31',
      '2026-12-03T25:00',
      '-999999 weeks',
      '999999w',
      '-+1h',
      '-1h ago',
      '',
      '1 h a go',
    ]) {
      expect(at(spec), spec).toBeUndefined();
    }
  });
});

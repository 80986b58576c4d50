/** The incidents' wording shared by the TUI and the Incidents page: counts, colours, "open 12m", mute lengths. */
import { describe, expect, it } from 'vitest';
import {
  badgeLevel,
  formatMinutes,
  formatUntil,
  incidentCounts,
  incidentSince,
  muteTargetOf,
  parseMuteDuration,
} from '../../src/core/incident-format.js';
import { ALERTS_NOW, incident } from '../support/alerts.js';

const now = new Date(ALERTS_NOW);

describe('incident counts', () => {
  it('Given a critical, a warning, a muted and a resolved incident, When counted, Then two are open, one critical, one muted apart', () => {
    const counts = incidentCounts([
      incident(),
      incident({ severity: 'warning', rule: 'disk', subject: '/var', app: null }),
      incident({ muted: true, subject: 'tobacco.service', app: 'tobacco' }),
      incident({ resolvedMinutesAgo: 3, subject: 'old.service' }),
    ]);
    expect(counts).toEqual({ open: 2, critical: 1, muted: 1 });
    expect(badgeLevel(counts)).toBe('critical');
  });

  it('Given warnings only, or nothing open, When coloured, Then warning, then none; a muted critical alone makes no noise', () => {
    expect(badgeLevel(incidentCounts([incident({ severity: 'warning' })]))).toBe('warning');
    expect(badgeLevel(incidentCounts([]))).toBe('none');
    const muted = incidentCounts([incident({ muted: true })]);
    expect(muted).toEqual({ open: 0, critical: 0, muted: 1 });
    expect(badgeLevel(muted)).toBe('none');
  });
});

describe('incident wording', () => {
  it('Given an open and a resolved incident, When worded, Then "open 12m" and "resolved 3m ago"', () => {
    expect(incidentSince(incident({ minutesOpen: 12 }), now)).toBe('open 12m');
    expect(incidentSince(incident({ minutesOpen: 90, resolvedMinutesAgo: 3 }), now)).toBe('resolved 3m ago');
  });

  it("Given an incident with an app and one without, When muted, Then the app's name or the rule is the target", () => {
    expect(muteTargetOf(incident())).toBe('cigar');
    expect(muteTargetOf(incident({ app: null, rule: 'disk' }))).toBe('disk');
  });

  it('Given a mute ending today and one tomorrow, When worded, Then the time alone, then the date too', () => {
    expect(formatUntil('2026-12-07T12:30:00.000Z', now)).toBe('until 12:30 UTC');
    expect(formatUntil('2026-12-08T09:00:00.000Z', now)).toBe('until 2026-12-08 09:00 UTC');
  });
});

describe('mute durations', () => {
  it('Given what people type, When parsed, Then minutes', () => {
    expect(parseMuteDuration('2h')).toEqual({ ok: true, minutes: 120 });
    expect(parseMuteDuration(' 30m ')).toEqual({ ok: true, minutes: 30 });
    expect(parseMuteDuration('45min')).toEqual({ ok: true, minutes: 45 });
    expect(parseMuteDuration('1h30m')).toEqual({ ok: true, minutes: 90 });
    expect(parseMuteDuration('1d')).toEqual({ ok: true, minutes: 1440 });
    expect(parseMuteDuration('1w')).toEqual({ ok: true, minutes: 10080 });
    expect(parseMuteDuration('15')).toEqual({ ok: true, minutes: 15 });
  });

  it('Given a typo, nothing, zero or more than a week, When parsed, Then it says what is allowed', () => {
    expect(parseMuteDuration('2 hours')).toEqual({ ok: false, error: '"2 hours" is not a duration: write 30m, 2h, 1d or 1h30m.' });
    expect(parseMuteDuration('')).toMatchObject({ ok: false });
    expect(parseMuteDuration('2x')).toMatchObject({ ok: false });
    expect(parseMuteDuration('0m')).toEqual({ ok: false, error: 'a mute lasts from 1 minute to 7d (0 minutes asked).' });
    expect(parseMuteDuration('8d')).toEqual({ ok: false, error: 'a mute lasts from 1 minute to 7d (11520 minutes asked).' });
  });

  it('Given minutes, When formatted, Then the shortest words', () => {
    expect([45, 120, 90, 1440, 10080, 1501].map(formatMinutes)).toEqual(['45m', '2h', '1h30m', '1d', '7d', '1d1h1m']);
  });
});

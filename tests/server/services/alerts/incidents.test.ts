/**
 * The incident state machine, pure: findings open, update and resolve incidents; `tell`
 * says each thing once, holds a flapping incident's resolution for the cooldown,
 * reminds, and says nothing while muted.
 */
import { describe, expect, it } from 'vitest';
import type { AlertRule, Mute } from '../../../../src/api/alerts.js';
import { applyFindings, type Finding, type IncidentRecord, listed, tell } from '../../../../server/services/alerts/incidents.js';

const MIN = 60_000;
const timing = { cooldownMs: 10 * MIN, reminderMs: 240 * MIN, keepMs: 7 * 1440 * MIN };
const t0 = Date.parse('2026-12-07T10:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * MIN);

const disk = (severity: 'warning' | 'critical' = 'warning', percent = 90): Finding => ({
  rule: 'disk',
  subject: '/var',
  app: null,
  severity,
  title: `/var is ${percent}% full`,
  detail: `${percent}%`,
});

/** One look: findings of `scope` applied at minute m, then what is told. */
function look(records: IncidentRecord[], m: number, findings: Finding[], mutes: Mute[] = [], scope: AlertRule[] = ['disk']) {
  const applied = applyFindings(records, scope, findings, at(m), timing.cooldownMs);
  return tell(applied.records, mutes, at(m), timing);
}

describe('incidents: open once, update, resolve', () => {
  it('Given a disk over its threshold on three looks, When told, Then one "opened" and nothing more', () => {
    let state = look([], 0, [disk()]);
    expect(state.tells.map((t) => t.event)).toEqual(['opened']);
    state = look(state.records, 1, [disk('warning', 91)]);
    state = look(state.records, 2, [disk('warning', 92)]);
    expect(state.tells).toEqual([]);
    expect(state.records).toHaveLength(1);
    expect(state.records[0]).toMatchObject({ title: '/var is 92% full', resolvedAt: null, openedAt: at(0).toISOString() });
  });

  it('Given a warning, When it turns critical, Then "updated" once, hovering at the threshold tells nothing more; gone: "resolved"', () => {
    let state = look([], 0, [disk()]);
    state = look(state.records, 1, [disk('critical', 97)]);
    expect(state.tells.map((t) => [t.event, t.incident.severity, t.note])).toEqual([['updated', 'critical', 'now critical']]);
    state = look(state.records, 2, [disk('critical', 97)]);
    expect(state.tells).toEqual([]);
    state = look(state.records, 2.2, [disk('warning', 94)]);
    state = look(state.records, 2.4, [disk('critical', 95)]);
    state = look(state.records, 2.6, [disk('warning', 94)]);
    expect(state.tells).toEqual([]);
    state = look(state.records, 3, []);
    expect(state.tells.map((t) => t.event)).toEqual(['resolved']);
    state = look(state.records, 4, []);
    expect(state.tells).toEqual([]);
    expect(state.records[0]!.resolvedAt).toBe(at(3).toISOString());
  });

  it('Given an open incident of another rule, When a look judges only disks, Then it stays open', () => {
    const unit: Finding = { rule: 'unit', subject: 'cigar.service', app: 'cigar', severity: 'critical', title: 'x', detail: 'y' };
    let state = look([], 0, [unit], [], ['unit']);
    state = look(state.records, 1, [], [], ['disk']);
    expect(state.records[0]!.resolvedAt).toBeNull();
  });
});

describe('incidents: cooldown', () => {
  it('Given a resolved incident, When it comes back within the cooldown, Then it is the same one, told "updated", not "opened"', () => {
    let state = look([], 0, [disk()]);
    const id = state.records[0]!.id;
    state = look(state.records, 1, []);
    expect(state.tells.map((t) => t.event)).toEqual(['resolved']);
    state = look(state.records, 5, [disk()]);
    expect(state.tells.map((t) => [t.event, t.incident.id, t.note])).toEqual([['updated', id, 'back again']]);
    expect(state.records).toHaveLength(1);
  });

  it('Given a flapping incident, When it resolves again, Then "resolved" waits until it has stayed resolved for the cooldown', () => {
    let state = look([], 0, [disk()]);
    state = look(state.records, 1, []);
    state = look(state.records, 2, [disk()]);
    state = look(state.records, 3, []);
    expect(state.tells).toEqual([]);
    state = look(state.records, 4, [disk()]);
    state = look(state.records, 5, []);
    state = look(state.records, 14, []);
    expect(state.tells).toEqual([]);
    state = look(state.records, 15, []);
    expect(state.tells.map((t) => t.event)).toEqual(['resolved']);
    expect(state.records).toHaveLength(1);
  });

  it('Given an incident resolved longer ago than the cooldown, When it comes back, Then a new incident is "opened"', () => {
    let state = look([], 0, [disk()]);
    state = look(state.records, 1, []);
    state = look(state.records, 20, [disk()]);
    expect(state.tells.map((t) => t.event)).toEqual(['opened']);
    expect(state.records).toHaveLength(2);
    expect(listed(state.records).map((i) => i.resolvedAt === null)).toEqual([true, false]);
  });
});

describe('incidents: reminder and keeping', () => {
  it('Given an incident still open, When reminderMinutes pass, Then one "reminder", then the next one after as long again', () => {
    let state = look([], 0, [disk()]);
    state = look(state.records, 239, [disk()]);
    expect(state.tells).toEqual([]);
    state = look(state.records, 240, [disk()]);
    expect(state.tells.map((t) => t.event)).toEqual(['reminder']);
    state = look(state.records, 300, [disk()]);
    expect(state.tells).toEqual([]);
    state = look(state.records, 480, [disk()]);
    expect(state.tells.map((t) => t.event)).toEqual(['reminder']);
  });

  it('Given a resolved incident, When keepDays pass, Then it is no longer kept', () => {
    let state = look([], 0, [disk()]);
    state = look(state.records, 1, []);
    state = look(state.records, 7 * 1440 + 2, []);
    expect(state.records).toEqual([]);
  });
});

describe('incidents: mutes', () => {
  const mute = (target: string, untilMinute: number): Mute => ({ target, until: at(untilMinute).toISOString(), by: 'alice' });

  it('Given the disk rule muted, When a disk fills, Then the incident is opened and listed muted, and nothing is told', () => {
    const state = look([], 0, [disk()], [mute('disk', 60)]);
    expect(state.tells).toEqual([]);
    expect(listed(state.records)[0]).toMatchObject({ muted: true, resolvedAt: null });
  });

  it('Given a muted incident still open, When the mute ends, Then "opened" is told then; one resolved under the mute tells nothing', () => {
    let state = look([], 0, [disk()], [mute('disk', 60)]);
    state = look(state.records, 61, [disk()], [mute('disk', 60)]);
    expect(state.tells.map((t) => [t.event, t.incident.muted])).toEqual([['opened', false]]);
    let other = look([], 0, [disk()], [mute('disk', 60)]);
    other = look(other.records, 10, [], [mute('disk', 60)]);
    other = look(other.records, 61, [], [mute('disk', 60)]);
    expect(other.tells).toEqual([]);
  });

  it('Given a mute of an app, When its unit fails, Then held back; another app is told', () => {
    const unit = (app: string): Finding => ({
      rule: 'unit',
      subject: `${app}.service`,
      app,
      severity: 'critical',
      title: `${app}.service failed`,
      detail: '',
    });
    const state = look([], 0, [unit('cigar'), unit('tobacco')], [mute('cigar', 60)], ['unit']);
    expect(state.tells.map((t) => t.incident.app)).toEqual(['tobacco']);
  });
});

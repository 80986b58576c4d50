/** An app's backups at a glance: the state from the records and a clock, the one line, and doctor's findings. */
import { describe, expect, it } from 'vitest';
import { appBackupStatus, backupFindings, backupMessage, backupState, backupStatusLines } from '../../src/core/backup-status.js';

const NOW = new Date('2026-12-06T12:00:00.000Z');
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();
const DAILY = { onCalendar: 'daily', overdueAfterHours: 30 };
const last = (hours: number) => ({ id: 'a'.repeat(64), shortId: 'aaaaaaaa', time: hoursAgo(hours), kind: 'scheduled' as const });
const drill = (ok: boolean, hours = 3) => ({ ok, at: hoursAgo(hours), seconds: 1.2, mismatches: ok ? [] : ['items: 3 -> 2'] });

describe('the state of an app’s backups', () => {
  it('Given a backup 3 h old and its drill passed, When judged, Then ok: "backup 3h ago (scheduled), drill ok"', () => {
    const recorded = { last: last(3), drill: drill(true) };
    expect(backupState(recorded, DAILY, NOW)).toBe('ok');
    expect(backupMessage(recorded, DAILY, NOW)).toBe('backup 3h ago (scheduled), drill ok');
  });

  it('Given the clock past the schedule and its margin, When judged, Then the backup is overdue and the line says for how long', () => {
    const recorded = { last: last(29), drill: drill(true) };
    expect(backupState(recorded, DAILY, NOW)).toBe('ok');
    const later = new Date(NOW.getTime() + 2 * 3_600_000);
    expect(backupState(recorded, DAILY, later)).toBe('overdue');
    expect(backupMessage({ last: last(50) }, DAILY, NOW)).toBe('no backup for 2d (schedule: daily), not drilled yet');
  });

  it('Given a failure after the last good backup, When judged, Then failed with the reason, when, and the last good one', () => {
    const recorded = {
      last: last(26),
      failure: { at: hoursAgo(1), error: 'restic backup failed (exit 1): no space left on device\nmore' },
    };
    expect(backupState(recorded, DAILY, NOW)).toBe('failed');
    expect(backupMessage(recorded, DAILY, NOW)).toBe(
      'last backup failed 1h ago: restic backup failed (exit 1): no space left on device; last good 26h ago',
    );
  });

  it("Given a long reason, When worded, Then its start and its end (restic's cause) are kept", () => {
    const path = `/var/backups/hms/restic/data/8c/${'8c'.repeat(80)}-tmp`;
    const error = `restic backup failed (exit 1): Fatal: unable to save snapshot: write ${path}: no space left on device`;
    const message = backupMessage({ last: last(26), failure: { at: hoursAgo(1), error } }, DAILY, NOW);
    expect(message).toMatch(/^last backup failed 1h ago: restic backup failed \(exit 1\): Fatal.*…/);
    expect(message).toMatch(/…[^…]*no space left on device; last good 26h ago$/);
  });

  it('Given a failed drill, When judged, Then failed, the drill named first', () => {
    const recorded = { last: last(2), drill: drill(false, 1) };
    expect(backupState(recorded, DAILY, NOW)).toBe('failed');
    expect(backupMessage(recorded, DAILY, NOW)).toBe('drill failed 1h ago: items: 3 -> 2; backup 2h ago (scheduled)');
  });

  it('Given nothing recorded, When judged, Then none, and the schedule is named', () => {
    expect(appBackupStatus('cigar', {}, DAILY, NOW)).toEqual({ app: 'cigar', state: 'none', message: 'no backup yet (schedule: daily)' });
  });
});

describe('backups in hms doctor and hms status', () => {
  const overview = {
    schedule: { onCalendar: 'daily', next: '2026-12-07T00:12:34.000Z' },
    check: { at: hoursAgo(30), ok: true, subset: '3/12' },
    apps: [
      appBackupStatus('cigar', { last: last(3), drill: drill(true) }, DAILY, NOW),
      appBackupStatus('shop', { last: last(60) }, DAILY, NOW),
    ],
  };

  it('Given one app ok and one overdue, When doctor judges, Then the overdue one fails with what to do, and the check passed', () => {
    const findings = backupFindings(overview, NOW);
    expect(findings.map((f) => [f.check, f.level])).toEqual([
      ['backup cigar', 'ok'],
      ['backup shop', 'fail'],
      ['backup repository check', 'ok'],
    ]);
    expect(findings[1]!.next).toMatch(/hms backup shop --drill/);
    expect(findings[2]!.summary).toBe('passed 30h ago');
  });

  it('Given an offsite copy that failed, When judged and doctored, Then the backup stays ok, the line and a warning say so', () => {
    const offsite = { server: 'vault', ok: false, at: hoursAgo(2), seconds: 20, error: 'restic copy to vault failed (exit 1): timeout' };
    const status = appBackupStatus('cigar', { last: last(2), drill: drill(true), offsite }, DAILY, NOW);
    expect(status.state).toBe('ok');
    expect(status.message).toBe(
      'backup 2h ago (scheduled), drill ok; offsite copy to vault failed 2h ago (the next backup retries): ' +
        'restic copy to vault failed (exit 1): timeout',
    );
    const findings = backupFindings({ ...overview, apps: [status] }, NOW);
    expect(findings.find((f) => f.check === 'offsite copy cigar')).toMatchObject({ level: 'warn' });
    const copied = appBackupStatus('cigar', { last: last(2), offsite: { ...offsite, ok: true } }, DAILY, NOW);
    expect(copied.message).not.toMatch(/offsite/);
  });

  it('Given no timer and a failed check, When doctor judges, Then both are said', () => {
    const findings = backupFindings(
      { ...overview, schedule: undefined, check: { at: hoursAgo(2), ok: false, error: 'pack 1a2b damaged' } },
      NOW,
    );
    expect(findings.find((f) => f.check === 'backup timer')).toMatchObject({ level: 'warn', next: 'hms provision' });
    expect(findings.find((f) => f.check === 'backup repository check')).toMatchObject({ level: 'fail' });
  });

  it('Given the overview, When status renders it, Then a heading with the schedule and a line per app with its state', () => {
    expect(backupStatusLines(overview)).toEqual([
      { text: 'backups (daily, next 2026-12-07 00:12Z):' },
      { state: 'ok', text: '  cigar  ✓ backup 3h ago (scheduled), drill ok' },
      { state: 'overdue', text: '  shop   ✗ no backup for 2d (schedule: daily), not drilled yet' },
    ]);
    expect(backupStatusLines({ apps: [] })).toEqual([]);
  });
});

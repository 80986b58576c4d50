/**
 * An app's backups at a glance, the same in every view: its state (ok, overdue,
 * failed, none) from what the agent recorded and the schedule, the one line that
 * says it, and what `hms doctor` makes of it.
 */
import type { AppBackupStatus, BackupOverview, BackupState, DrillResult } from '../api/backups.js';

/** What the agent keeps per app (server/services/backups/status-file.ts). */
export type RecordedBackups = Pick<AppBackupStatus, 'last' | 'failure' | 'drill' | 'offsite'>;

export interface ScheduleView {
  onCalendar: string;
  overdueAfterHours: number;
}

/** "40s", "12m", "3h", "2d": the coarse age a one-line message wants. */
export function age(iso: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** failed (the last backup or the last drill) before overdue before ok; none when nothing was ever taken. */
export function backupState(recorded: RecordedBackups, schedule: ScheduleView, now: Date): BackupState {
  if (recorded.failure || (recorded.drill && !recorded.drill.ok)) return 'failed';
  if (!recorded.last) return 'none';
  const hours = (now.getTime() - Date.parse(recorded.last.time)) / 3_600_000;
  return hours > schedule.overdueAfterHours ? 'overdue' : 'ok';
}

/** The reason's first line; a long one keeps its start and its end (where restic says the cause). */
function firstLine(text: string): string {
  const line = text.split('\n')[0]!;
  return line.length > 240 ? `${line.slice(0, 90)}…${line.slice(-140)}` : line;
}

function drillWords(drill: DrillResult | undefined, now: Date): string {
  if (!drill) return 'not drilled yet';
  if (drill.ok) return 'drill ok';
  return `drill failed ${age(drill.at, now)} ago: ${firstLine(drill.error ?? drill.mismatches.join(', '))}`;
}

/**
 * "backup 3h ago (scheduled), drill ok" / "no backup for 2d (schedule: daily)" /
 * "last backup failed 1h ago: <reason>; last good 1d ago".
 */
export function backupMessage(recorded: RecordedBackups, schedule: ScheduleView, now: Date): string {
  const { last, failure, drill } = recorded;
  const lastGood = last ? `last good ${age(last.time, now)} ago` : 'no good backup yet';
  if (failure) return `last backup failed ${age(failure.at, now)} ago: ${firstLine(failure.error)}; ${lastGood}`;
  if (!last) return `no backup yet (schedule: ${schedule.onCalendar})`;
  if (drill && !drill.ok) return `${drillWords(drill, now)}; backup ${age(last.time, now)} ago (${last.kind})`;
  if (backupState(recorded, schedule, now) === 'overdue')
    return `no backup for ${age(last.time, now)} (schedule: ${schedule.onCalendar}), ${drillWords(drill, now)}`;
  return `backup ${age(last.time, now)} ago (${last.kind}), ${drillWords(drill, now)}`;
}

/** "; offsite copy on vault failed 2h ago: <reason>" (kept local, retried by the next backup); nothing when it went well. */
function offsiteWords(offsite: AppBackupStatus['offsite'], now: Date): string {
  if (!offsite || offsite.ok) return '';
  const when = `${age(offsite.at, now)} ago`;
  return `; offsite copy to ${offsite.server} failed ${when} (the next backup retries): ${firstLine(offsite.error ?? '')}`;
}

export function appBackupStatus(app: string, recorded: RecordedBackups, schedule: ScheduleView, now: Date): AppBackupStatus {
  return {
    app,
    state: backupState(recorded, schedule, now),
    ...(recorded.last ? { last: recorded.last } : {}),
    ...(recorded.failure ? { failure: recorded.failure } : {}),
    ...(recorded.drill ? { drill: recorded.drill } : {}),
    ...(recorded.offsite ? { offsite: recorded.offsite } : {}),
    message: backupMessage(recorded, schedule, now) + offsiteWords(recorded.offsite, now),
  };
}

/** A doctor's finding (src/client/diagnose.ts Finding), built here so every view words it alike. */
export interface BackupFinding {
  check: string;
  level: 'ok' | 'warn' | 'fail' | 'skip';
  summary: string;
  next?: string;
}

const NEXT: Record<BackupState, (app: string) => string | undefined> = {
  ok: () => undefined,
  none: (app) => `hms backup ${app} --drill (the timer takes the next one by itself)`,
  overdue: (app) =>
    `hms backup ${app} --drill; then see why the timer did not run: \`systemctl list-timers hms-backup.timer\` and ` +
    '`journalctl -u hms-backup.service` on the server (`hms provision` puts the timer back)',
  failed: (app) => `fix the cause above, then \`hms backup ${app} --drill\`; \`hms backups ${app}\` lists what is kept`,
};

/** One finding per app (fail when overdue or failed), and one for the repository's last check. */
export function backupFindings(overview: BackupOverview, now: Date): BackupFinding[] {
  const findings: BackupFinding[] = overview.apps.map((app) => ({
    check: `backup ${app.app}`,
    level: app.state === 'ok' ? 'ok' : app.state === 'none' ? 'warn' : 'fail',
    summary: `${app.state}: ${app.message}`,
    ...(NEXT[app.state](app.app) ? { next: NEXT[app.state](app.app)! } : {}),
  }));
  for (const app of overview.apps.filter((a) => a.offsite && !a.offsite.ok)) {
    findings.push({
      check: `offsite copy ${app.app}`,
      level: 'warn',
      summary: `the copy to ${app.offsite!.server} failed ${age(app.offsite!.at, now)} ago; the local backup is kept`,
      next: `check that the server reaches ${app.offsite!.server}, then \`hms backup ${app.app}\` (it copies what is missing)`,
    });
  }
  if (overview.apps.length === 0) return findings;
  if (!overview.schedule)
    findings.push({ check: 'backup timer', level: 'warn', summary: 'no hms-backup.timer on the server', next: 'hms provision' });
  const check = overview.check;
  if (!check) findings.push({ check: 'backup repository check', level: 'skip', summary: 'not checked yet (it runs weekly)' });
  else if (!check.ok)
    findings.push({
      check: 'backup repository check',
      level: 'fail',
      summary: `restic check failed ${age(check.at, now)} ago: ${firstLine(check.error ?? 'no reason given')}`,
      next: 'on the server: `systemctl start hms-backup-check.service`, then `journalctl -u hms-backup-check.service`',
    });
  else findings.push({ check: 'backup repository check', level: 'ok', summary: `passed ${age(check.at, now)} ago` });
  return findings;
}

const MARK: Record<BackupState, string> = { ok: '✓', overdue: '✗', failed: '✗', none: '!' };

/** `hms status`'s backup lines: a heading with the schedule, then one line per app, each with its state for colour. */
export function backupStatusLines(overview: BackupOverview): Array<{ state?: BackupState; text: string }> {
  if (overview.apps.length === 0) return [];
  const width = Math.max(...overview.apps.map((app) => app.app.length));
  const next = overview.schedule?.next ? `, next ${overview.schedule.next.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z')}` : '';
  const schedule = overview.schedule ? `${overview.schedule.onCalendar}${next}` : 'no timer: run `hms provision`';
  return [
    { text: `backups (${schedule}):` },
    ...overview.apps.map((app) => ({ state: app.state, text: `  ${app.app.padEnd(width)}  ${MARK[app.state]} ${app.message}` })),
  ];
}

/**
 * Scheduled tasks at a glance, the same in every view (`hms schedules`, the TUI, the
 * dashboard, `hms doctor`): the words of each column, and what needs attention.
 */
import type { ScheduleStatus } from '../api/schedules.js';
import { formatAgo } from './format.js';

export const SCHEDULE_HEADERS = ['APP', 'SCHEDULE', 'WHEN', 'LAST RUN', 'RESULT', 'DURATION', 'NEXT'];

/** "850ms", "12.3s", "4m05s", "2h10m". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** "in 4s", "in 2h3m": how long until; `–` when not armed. */
export function formatIn(iso: string | null, now: Date): string {
  if (!iso) return '–';
  const s = Math.max(0, Math.round((Date.parse(iso) - now.getTime()) / 1000));
  if (s < 60) return `in ${s}s`;
  if (s < 3600) return `in ${Math.floor(s / 60)}m`;
  if (s < 86400) return `in ${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `in ${Math.floor(s / 86400)}d`;
}

/** "failed (exit 3)", "failed (timeout)", "ok", "running", "never". */
export function resultWords(s: Pick<ScheduleStatus, 'result' | 'failure' | 'exitStatus'>): string {
  if (s.result !== 'failed') return s.result;
  return s.failure === 'exit-code' && s.exitStatus !== null ? `failed (exit ${s.exitStatus})` : `failed (${s.failure ?? 'unknown'})`;
}

export function scheduleRow(s: ScheduleStatus, now: Date): string[] {
  const next = s.timerActive ? formatIn(s.nextRun, now) : 'timer off';
  return [s.app, s.name, s.when, formatAgo(s.lastRun, now), resultWords(s), formatDuration(s.durationMs), next];
}

/** How to see a run's output and start one again. */
export const scheduleNext = (s: Pick<ScheduleStatus, 'app' | 'name'>): string =>
  `see its output: \`hms logs journal:${s.app}-${s.name}\`; run it now: \`hms schedules run ${s.app} ${s.name}\``;

export interface ScheduleFinding {
  check: string;
  level: 'ok' | 'warn' | 'fail';
  summary: string;
  next?: string;
}

/** A failed last run is a problem, a timer that is not armed a warning; all well is one line. */
export function scheduleFindings(schedules: ScheduleStatus[], now: Date): ScheduleFinding[] {
  const findings: ScheduleFinding[] = [];
  for (const s of schedules) {
    if (s.result === 'failed') {
      const summary = `${s.app} ${s.name} ${resultWords(s)} ${formatAgo(s.lastRun, now)}`;
      findings.push({ check: `schedule ${s.app} ${s.name}`, level: 'fail', summary, next: scheduleNext(s) });
    } else if (!s.timerActive) {
      const summary = `${s.timer} is not armed: ${s.name} does not run`;
      findings.push({ check: `schedule ${s.app} ${s.name}`, level: 'warn', summary, next: 'hms provision' });
    }
  }
  if (findings.length === 0 && schedules.length > 0)
    findings.push({ check: 'schedules', level: 'ok', summary: `${schedules.length} scheduled task(s), none failed` });
  return findings;
}

/**
 * What systemd says about a schedule, as data: one `systemctl show` for every timer
 * and service, and a parser for what systemd 252 prints. Pure functions.
 */
import type { ScheduleResult, ScheduleStatus } from '../../../src/api/schedules.js';
import type { AgentApp } from '../../config-app.js';
import { parseTimestamp, showBlocks } from '../apps/index.js';

export type ScheduleConfig = AgentApp['schedules'][string];
export interface ScheduleRef {
  app: string;
  name: string;
  config: ScheduleConfig;
}

export const SCHEDULE_PROPERTIES = [
  'Id',
  'ActiveState',
  'LastTriggerUSec',
  'NextElapseUSecRealtime',
  'Result',
  'ExecMainStatus',
  'ExecMainStartTimestamp',
  'ExecMainExitTimestamp',
  'InvocationID',
] as const;

/** Timer and service of each schedule, in that order: two blocks per schedule. */
export function scheduleShowArgv(schedules: readonly ScheduleRef[]): string[] {
  const units = schedules.flatMap((s) => [s.config.timer, s.config.unit]);
  return ['systemctl', 'show', '--no-pager', '--timestamp=utc', '-p', SCHEDULE_PROPERTIES.join(','), '--', ...units];
}

export type Properties = Map<string, string>;

/** Blocks of `Key=value` lines, one per unit (apps' reader of `systemctl show`). */
export const parseBlocks = showBlocks;

const integer = (value: string | undefined): number | null => (value && /^-?\d+$/.test(value) ? Number(value) : null);

/** A run's end as systemd recorded it: ok, failed or still running, with its times. */
export function runOf(service: Properties): Pick<ScheduleStatus, 'result' | 'lastRun' | 'durationMs' | 'exitStatus' | 'failure'> {
  const lastRun = parseTimestamp(service.get('ExecMainStartTimestamp'));
  const exited = parseTimestamp(service.get('ExecMainExitTimestamp'));
  const active = service.get('ActiveState') ?? '';
  const systemdResult = service.get('Result') || 'success';
  const running = active === 'activating' || active === 'deactivating' || (active === 'active' && !exited);
  let result: ScheduleResult;
  if (running) result = 'running';
  else if (systemdResult !== 'success' || active === 'failed') result = 'failed';
  else result = lastRun ? 'ok' : 'never';
  const durationMs = !running && lastRun && exited ? Math.max(0, Date.parse(exited) - Date.parse(lastRun)) : null;
  return {
    result,
    lastRun,
    durationMs,
    exitStatus: lastRun && !running ? integer(service.get('ExecMainStatus')) : null,
    failure: result === 'failed' ? systemdResult : null,
  };
}

/** Each schedule's state from the blocks of scheduleShowArgv's output. */
export function parseSchedules(stdout: string, schedules: readonly ScheduleRef[]): ScheduleStatus[] {
  const blocks = parseBlocks(stdout);
  return schedules.map((s, i) => {
    const timer = blocks[2 * i] ?? new Map<string, string>();
    const service = blocks[2 * i + 1] ?? new Map<string, string>();
    const timerActive = timer.get('ActiveState') === 'active';
    return {
      app: s.app,
      name: s.name,
      unit: s.config.unit,
      timer: s.config.timer,
      when: s.config.when,
      timeoutSeconds: s.config.timeoutSeconds,
      overlap: s.config.overlap,
      ...runOf(service),
      nextRun: timerActive ? parseTimestamp(timer.get('NextElapseUSecRealtime')) : null,
      timerActive,
    };
  });
}

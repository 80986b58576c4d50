/**
 * GET /api/backups: each app with a database at a glance (state, last good backup, last
 * failure, last drill, one line), from the status files every backup and drill write,
 * judged against the schedule; the timer's next run as systemd says; the last check.
 */
import type { BackupOverview } from '../../../src/api/backups.js';
import { appBackupStatus } from '../../../src/core/backup-status.js';
import type { AgentDeps } from '../../env.js';
import { type BusAnswer, busNumber, unitPropertiesOrNull } from '../apps/index.js';
import { readCheckRecord } from './check.js';
import { appsWithDatabase } from './scheduled.js';
import { readStatusFile } from './status-file.js';

export const BACKUP_TIMER = 'hms-backup.timer';

export const timerArgv = (): string[] => ['systemctl', 'show', '--property=LoadState,NextElapseUSecRealtime', '--', BACKUP_TIMER];
/** systemctl writes times in its own time zone: UTC, so they read back without a zone database. */
const TIMER_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', TZ: 'UTC' };

/** `systemctl show` of the timer (run with TZ=UTC): whether it is there, and its next run ("Mon 2026-12-07 00:00:00 UTC"). */
export function parseTimer(stdout: string): { loaded: boolean; next?: string } {
  const values = Object.fromEntries(
    stdout.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const loaded = values.LoadState === 'loaded';
  const at = /^\w{3} (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) UTC$/.exec(values.NextElapseUSecRealtime?.trim() ?? '');
  return { loaded, ...(loaded && at ? { next: new Date(`${at[1]}T${at[2]}Z`).toISOString() } : {}) };
}

const TIMER_PROPERTIES: Array<[string, string]> = [
  ['org.freedesktop.systemd1.Unit', 'LoadState'],
  ['org.freedesktop.systemd1.Timer', 'NextElapseUSecRealtime'],
];
const timerProperties = () => TIMER_PROPERTIES;

/** The timer from systemd's D-Bus socket (no process), else from `systemctl show`; either to the second, in UTC. */
async function timer(deps: AgentDeps): Promise<{ loaded: boolean; next?: string }> {
  const [bus] = (await unitPropertiesOrNull(deps.exec, [BACKUP_TIMER], timerProperties)) ?? [];
  if (bus) return busTimer(bus);
  const result = await deps.exec(timerArgv(), { env: TIMER_ENV, timeoutMs: 10_000, maxOutputBytes: 64 * 1024 }).catch(() => undefined);
  return result?.code === 0 ? parseTimer(result.stdout) : { loaded: false };
}

/** NextElapseUSecRealtime is µs since the epoch, 0 or UINT64_MAX when there is no next run. */
export function busTimer(properties: Map<string, BusAnswer>): { loaded: boolean; next?: string } {
  const loaded = properties.get('LoadState') === 'loaded';
  const micros = busNumber(properties.get('NextElapseUSecRealtime'));
  return { loaded, ...(loaded && micros ? { next: new Date(Math.floor(micros / 1_000_000) * 1000).toISOString() } : {}) };
}

export async function backupOverview(deps: AgentDeps): Promise<BackupOverview> {
  const { schedule } = deps.config.backups;
  const [apps, armed, check] = await Promise.all([appsWithDatabase(deps), timer(deps), readCheckRecord(deps)]);
  const now = deps.clock();
  const statuses = await Promise.all(apps.map(async (app) => appBackupStatus(app, await readStatusFile(deps, app), schedule, now)));
  return {
    ...(armed.loaded
      ? {
          schedule: {
            onCalendar: schedule.onCalendar,
            overdueAfterHours: schedule.overdueAfterHours,
            ...(armed.next ? { next: armed.next } : {}),
          },
        }
      : {}),
    ...(check ? { check } : {}),
    apps: statuses,
  };
}

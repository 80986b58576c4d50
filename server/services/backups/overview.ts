/**
 * GET /api/backups: each app with a database at a glance (state, last good backup, last
 * failure, last drill, one line), from the status files every backup and drill write,
 * judged against the schedule; the timer's next run as systemd says; the last check.
 */
import type { BackupOverview } from '../../../src/api/backups.js';
import { appBackupStatus } from '../../../src/core/backup-status.js';
import type { AgentDeps } from '../../env.js';
import { type BusAnswer, busNumber } from '../apps/index.js';
import { readCheckRecord } from './check.js';
import { appsWithDatabase, appUnits, BACKUP_TIMER } from './scheduled.js';
import { busBackupUnits } from './unit-env-bus.js';
import { readStatusFile } from './status-file.js';

export { BACKUP_TIMER };

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

/** The timer from `systemctl show` (where systemd's D-Bus socket cannot be used), to the second, in UTC. */
async function systemctlTimer(deps: AgentDeps): Promise<{ loaded: boolean; next?: string }> {
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
  const checked = readCheckRecord(deps);
  // One question to systemd's D-Bus socket for every app's environment and the timer; else two `systemctl show`.
  const bus = await busBackupUnits(deps, appUnits(deps), BACKUP_TIMER);
  const [apps, armed, check] = await Promise.all([
    appsWithDatabase(deps, bus?.environments),
    bus ? busTimer(bus.timer) : systemctlTimer(deps),
    checked,
  ]);
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

/**
 * GET /api/backups: each app with a database at a glance (state, last good backup, last
 * failure, last drill, one line), from the status files every backup and drill write,
 * judged against the schedule; the timer's next run as systemd says; the last check.
 */
import type { BackupOverview } from '../../../src/api/backups.js';
import { appBackupStatus } from '../../../src/core/backup-status.js';
import type { AgentDeps } from '../../env.js';
import { readCheckRecord } from './check.js';
import { appsWithDatabase } from './scheduled.js';
import { readStatusFile } from './status-file.js';

export const BACKUP_TIMER = 'hms-backup.timer';

export const timerArgv = (): string[] => [
  'systemctl',
  'show',
  '--timestamp=unix',
  '--property=LoadState,ActiveState,NextElapseUSecRealtime',
  '--',
  BACKUP_TIMER,
];

/** `systemctl show` of the timer: whether it is there and armed, and its next run ("@1767225600" as unix seconds). */
export function parseTimer(stdout: string): { loaded: boolean; next?: string } {
  const values = Object.fromEntries(
    stdout.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const loaded = values.LoadState === 'loaded';
  const seconds = /^@(\d+)$/.exec(values.NextElapseUSecRealtime?.trim() ?? '')?.[1];
  return { loaded, ...(loaded && seconds ? { next: new Date(Number(seconds) * 1000).toISOString() } : {}) };
}

async function timer(deps: AgentDeps): Promise<{ loaded: boolean; next?: string }> {
  const result = await deps.exec(timerArgv(), { timeoutMs: 10_000, maxOutputBytes: 64 * 1024 }).catch(() => undefined);
  return result?.code === 0 ? parseTimer(result.stdout) : { loaded: false };
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

/**
 * The scheduled backups of a server whose apps have PostgreSQL databases: a systemd
 * timer starts a one-shot run of the installed agent's bundle (backup, restore drill,
 * retention for every such app), and a second timer a weekly `restic check` of a part
 * of the repository's data. The schedules come from servers.<name>.backups; systemd's
 * own `systemd-analyze calendar` checks them on the server before anything is written.
 */
import { HmsError } from '../../core/errors.js';
import { changedPath, diffFiles, type ManagedFile, writeFiles } from '../files.js';
import type { Host } from '../host.js';
import { PATHS, type ProvisionInput } from '../input.js';
import type { Step } from '../step.js';
import type { Templates } from '../template-set.js';
import { BACKUP_ROOT, wantsBackups } from './backup.js';

export const BACKUP_SERVICE = 'hms-backup.service';
export const BACKUP_TIMER = 'hms-backup.timer';
export const CHECK_SERVICE = 'hms-backup-check.service';
export const CHECK_TIMER = 'hms-backup-check.timer';
const TIMERS = [BACKUP_TIMER, CHECK_TIMER];

interface Job {
  unit: string;
  timer: string;
  what: string;
  command: string;
  onCalendar: string;
  timeout: string;
  after: string;
}

function jobs(input: ProvisionInput): Job[] {
  const { backups } = input.server;
  const databases = input.apps.length;
  return [
    {
      unit: BACKUP_SERVICE,
      timer: BACKUP_TIMER,
      what: "back up every app's database, drill the restore, apply retention",
      command: 'backup-scheduled',
      onCalendar: backups.schedule,
      // A backup and a drill per app, each bounded by the agent's backups.timeoutSeconds (1 h), and the prune.
      timeout: `${2 * databases + 1}h`,
      after: '',
    },
    {
      unit: CHECK_SERVICE,
      timer: CHECK_TIMER,
      what: `check the backup repository (restic check, 1/${backups.checkSubsets} of the data per run)`,
      command: 'backup-check',
      onCalendar: backups.check,
      timeout: '6h',
      // Started together, the check waits for the backups.
      after: ` ${BACKUP_SERVICE}`,
    },
  ];
}

const rootFile = (path: string, content: string): ManagedFile => ({ path, content, mode: 0o644, owner: 'root', group: 'root' });

export function backupScheduleFiles(input: ProvisionInput, t: Templates): ManagedFile[] {
  return jobs(input).flatMap((job) => {
    const values = {
      ...job,
      nodeBinary: '/usr/bin/node',
      installDir: PATHS.installDir,
      configFile: PATHS.agentConfig,
      stateDir: PATHS.stateDir,
      backupRoot: BACKUP_ROOT,
      memoryMax: '2G',
      randomizedDelay: input.server.backups.randomizedDelay,
    };
    return [
      rootFile(`${PATHS.units}/${job.unit}`, t.fill('systemd/hms-backup.service', values)),
      rootFile(`${PATHS.units}/${job.timer}`, t.fill('systemd/hms-backup.timer', values)),
    ];
  });
}

export const calendarArgv = (expression: string): string[] => ['systemd-analyze', 'calendar', '--', expression];

/** systemd's own reading of each schedule; refused with its words before anything is written. */
async function checkCalendars(host: Host, input: ProvisionInput): Promise<void> {
  for (const [key, expression] of [
    ['schedule', input.server.backups.schedule],
    ['check', input.server.backups.check],
  ] as const) {
    const result = await host.run(calendarArgv(expression));
    if (result.code !== 0) {
      const why = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-2).join(' ');
      throw new HmsError(`servers.${input.serverName}.backups.${key}: systemd on ${host.name} does not take "${expression}": ${why}`, {
        hint: 'Use an OnCalendar expression such as "daily" or "*-*-* 03:00" (man systemd.time), then run `hms provision` again.',
      });
    }
  }
}

async function timerChanges(host: Host): Promise<string[]> {
  const enabled = (await host.run(['systemctl', 'is-enabled', ...TIMERS])).stdout.trim().split('\n');
  const active = (await host.run(['systemctl', 'is-active', ...TIMERS])).stdout.trim().split('\n');
  return TIMERS.flatMap((timer, i) => (enabled[i] === 'enabled' && active[i] === 'active' ? [] : [`${timer}: enable and start`]));
}

const WHY = [
  "A systemd timer backs up every app's PostgreSQL database on the schedule of servers.<name>.backups (default daily,",
  'spread over randomizedDelay), then restores each new snapshot into a scratch database and compares its row counts',
  '(a restore drill), then `restic forget --prune` keeps per app and kind the newest snapshot of each of the last',
  'keep.daily days, keep.weekly weeks and keep.monthly months (pre-migration snapshots are a group of their own, so',
  'scheduled ones never push them out; nothing is forgotten after a failed backup). The run is the installed agent',
  "bundle in a one-shot mode, as root, bounded by TimeoutStartSec and MemoryMax, under the apps' deploy locks; one",
  "failing app does not stop the others and the unit's result says whether all went well. A second timer runs",
  '`restic check --read-data-subset=n/N` weekly, a different part each time. Every result is recorded and audited',
  '(actor hms-backup.timer), and shown by `hms status` and `hms doctor`.',
].join(' ');

export function backupScheduleStep(input: ProvisionInput, t: Templates): Step {
  const files = () => backupScheduleFiles(input, t);
  return {
    id: 'backup-schedule',
    title: 'Backups: the timer, restore drills, retention and the weekly check',
    doc: {
      why: WHY,
      commands: [
        `${calendarArgv(input.server.backups.schedule).join(' ')}   # and the check's schedule: refused unless systemd takes it`,
        ...files().map((f) => `templates/systemd/${f.path.endsWith('.timer') ? 'hms-backup.timer' : 'hms-backup.service'} -> ${f.path}`),
        'systemctl daemon-reload',
        `systemctl enable --now ${TIMERS.join(' ')}`,
      ],
      verify: [
        `systemctl list-timers ${TIMERS.join(' ')}`,
        `systemctl start ${BACKUP_SERVICE} && journalctl -u ${BACKUP_SERVICE} -n 20`,
        'hms status   # each app: backup age and drill result',
      ],
    },
    async check(host) {
      if (!wantsBackups(input)) return [];
      await checkCalendars(host, input);
      return [...(await diffFiles(host, files())), ...(await timerChanges(host))];
    },
    async apply(host, changes) {
      await writeFiles(host, files(), changes);
      await host.must(['systemctl', 'daemon-reload'], 'systemctl daemon-reload');
      await host.must(['systemctl', 'enable', '--now', '--quiet', ...TIMERS], 'systemctl enable --now the backup timers');
      // A new schedule counts from now on, not from when the timer was last armed.
      const rescheduled = TIMERS.filter((timer) => changes.some((change) => changedPath(change) === `${PATHS.units}/${timer}`));
      if (rescheduled.length > 0) await host.must(['systemctl', 'restart', ...rescheduled], 'restart the rescheduled timers');
    },
  };
}

/**
 * The files of an app's scheduled tasks (apps.<name>.schedules): per schedule a
 * oneshot service and the timer that starts it (templates/systemd/schedule.*), the
 * task's argv one word per line, and the launcher that runs it. Pure: the same
 * input always gives the same files.
 */
import type { ScheduleConfig } from '../../config/app-extras.js';
import type { ManagedFile } from '../files.js';
import { PATHS, appRoot, type ProvisionInput } from '../input.js';
import type { Templates } from '../template-set.js';

/** The launcher every schedule's unit runs (templates/systemd/schedule-run). */
export const SCHEDULE_RUN = '/usr/local/lib/hms/schedule-run';
/** Root's, readable by the deploy user who runs the task (the agent's /etc/hosting-api is not). */
export const SCHEDULE_ARGV_DIR = '/usr/local/lib/hms/schedules';
/** Every schedule file carries this line, so provisioning finds the ones no longer configured. */
export const SCHEDULE_MARKER = '# hms-schedule:';
/** A run is a Rails process or a rake task: room for one, a bound for a runaway. */
export const SCHEDULE_MEMORY_MAX = '2G';

export interface Schedule {
  app: string;
  name: string;
  config: ScheduleConfig;
  unit: string;
  timer: string;
  argvFile: string;
}

export function schedulesOf(input: Pick<ProvisionInput, 'apps'>): Schedule[] {
  return input.apps.flatMap(([app, config]) =>
    Object.entries(config.schedules)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, schedule]) => ({
        app,
        name,
        config: schedule,
        unit: `${app}-${name}.service`,
        timer: `${app}-${name}.timer`,
        argvFile: `${SCHEDULE_ARGV_DIR}/${app}-${name}.argv`,
      })),
  );
}

/**
 * The unit's ExecStart. Its words are paths and names hms makes (allow-listed app
 * and schedule names), never the task's words: those are in the argv file.
 * overlap: false runs the task in the unit itself, so systemd skips a start while a
 * run is active. overlap: true has the unit (root, for systemd-run) start each run in
 * a transient unit of its own, with the same user, folder, environment and bounds.
 */
export function execStart(s: Schedule): string {
  const run = `${SCHEDULE_RUN} ${s.argvFile}`;
  if (!s.config.overlap) return run;
  const root = appRoot(s.app);
  return [
    '/usr/bin/systemd-run --quiet --collect --no-ask-password --service-type=exec',
    `--uid=${PATHS.deployUser} --gid=${PATHS.deployUser} --working-directory=${root}/current`,
    '--setenv=RAILS_ENV=production --setenv=RACK_ENV=production',
    `--property=EnvironmentFile=-${PATHS.envDir}/${s.app}.env --property=MemoryMax=${SCHEDULE_MEMORY_MAX}`,
    `--property=RuntimeMaxSec=${s.config.timeoutSeconds} --property=SyslogIdentifier=${s.app}-${s.name}`,
    `-- ${run}`,
  ].join(' ');
}

const rootFile = (path: string, content: string, mode = 0o644): ManagedFile => ({ path, content, mode, owner: 'root', group: 'root' });

export function scheduleFiles(input: Pick<ProvisionInput, 'apps'>, t: Templates): ManagedFile[] {
  const schedules = schedulesOf(input);
  if (schedules.length === 0) return [];
  return [
    rootFile(SCHEDULE_RUN, t.fill('systemd/schedule-run', {}), 0o755),
    ...schedules.flatMap((s) => {
      const values = {
        app: s.app,
        name: s.name,
        unit: s.unit,
        timer: s.timer,
        when: s.config.when,
        root: appRoot(s.app),
        envFile: `${PATHS.envDir}/${s.app}.env`,
        user: s.config.overlap ? 'root' : PATHS.deployUser,
        overlapNote: s.config.overlap
          ? 'overlap: true: each run is a transient unit of its own (systemd-run), so runs may overlap.'
          : 'overlap: false: systemd does not start this unit again while a run is active; that start is skipped.',
        execStart: execStart(s),
        timeoutSeconds: s.config.timeoutSeconds,
        memoryMax: SCHEDULE_MEMORY_MAX,
      };
      return [
        rootFile(s.argvFile, `${s.config.command.join('\n')}\n`),
        rootFile(`${PATHS.units}/${s.unit}`, t.fill('systemd/schedule.service', values)),
        rootFile(`${PATHS.units}/${s.timer}`, t.fill('systemd/schedule.timer', values)),
      ];
    }),
  ];
}

/**
 * Scheduled tasks (apps.<name>.schedules): each a systemd timer and the oneshot
 * service it starts (schedule-files.ts). systemd's own `systemd-analyze calendar`
 * checks every `when` on the server before anything is written. A schedule no longer
 * in the config has its timer stopped and disabled, and its files kept aside in
 * /var/lib/hms/replaced/, so no timer is left firing a task nobody asked for.
 */
import { HmsError } from '../../core/errors.js';
import { changedPath, diffFiles, REPLACED_DIR, writeFiles } from '../files.js';
import type { Host } from '../host.js';
import { PATHS, type ProvisionInput } from '../input.js';
import type { Step } from '../step.js';
import type { Templates } from '../template-set.js';
import { calendarArgv } from './backup-schedule.js';
import { SCHEDULE_ARGV_DIR, SCHEDULE_MARKER, SCHEDULE_RUN, scheduleFiles, schedulesOf, type Schedule } from './schedule-files.js';

async function checkCalendars(host: Host, schedules: Schedule[]): Promise<void> {
  for (const s of schedules) {
    const result = await host.run(calendarArgv(s.config.when));
    if (result.code !== 0) {
      const why = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-2).join(' ');
      throw new HmsError(`apps.${s.app}.schedules.${s.name}.when: systemd on ${host.name} does not take "${s.config.when}": ${why}`, {
        hint: 'Use an OnCalendar expression such as "hourly" or "*-*-* 03:00" (man systemd.time), then run `hms provision` again.',
      });
    }
  }
}

/** The schedule timers provisioning wrote before (by their marker line), as unit names. */
export const writtenTimersArgv = [
  'find',
  PATHS.units,
  '-maxdepth',
  '1',
  '-name',
  '*.timer',
  '-exec',
  'grep',
  '-l',
  '-F',
  '--',
  SCHEDULE_MARKER,
  '{}',
  '+',
];

async function staleTimers(host: Host, schedules: Schedule[]): Promise<string[]> {
  const found = await host.run(writtenTimersArgv);
  const wanted = new Set(schedules.map((s) => s.timer));
  return found.stdout
    .split('\n')
    .filter(Boolean)
    .map((path) => path.slice(path.lastIndexOf('/') + 1))
    .filter((timer) => !wanted.has(timer))
    .sort();
}

async function timerChanges(host: Host, timers: string[]): Promise<string[]> {
  if (timers.length === 0) return [];
  const enabled = (await host.run(['systemctl', 'is-enabled', '--', ...timers])).stdout.trim().split('\n');
  const active = (await host.run(['systemctl', 'is-active', '--', ...timers])).stdout.trim().split('\n');
  return timers.flatMap((timer, i) => (enabled[i] === 'enabled' && active[i] === 'active' ? [] : [`${timer}: enable and start`]));
}

const STALE = ': no longer configured: stop, disable, keep its files aside';

/** Stops and disables a timer no schedule wants any more; its files go to /var/lib/hms/replaced/<time>/. */
async function retire(host: Host, timer: string, keep: string): Promise<void> {
  const base = timer.slice(0, -'.timer'.length);
  await host.must(['systemctl', 'disable', '--now', '--quiet', '--', timer], `stop and disable ${timer}`);
  await host.run(['systemctl', 'stop', '--', `${base}.service`]);
  // A run stopped halfway leaves the unit failed: nothing of a removed schedule stays in `systemctl --failed`.
  await host.run(['systemctl', 'reset-failed', '--', `${base}.service`, timer]);
  for (const path of [`${PATHS.units}/${timer}`, `${PATHS.units}/${base}.service`, `${SCHEDULE_ARGV_DIR}/${base}.argv`]) {
    const copy = `${keep}${path}`;
    await host.must(['install', '-d', '-m', '700', '--', REPLACED_DIR, keep, copy.slice(0, copy.lastIndexOf('/'))], `mkdir ${keep}`);
    await host.must(['sh', '-c', 'if [ -e "$1" ]; then mv -- "$1" "$2"; fi', 'retire', path, copy], `keep ${path} aside`);
  }
}

export function schedulesStep(input: ProvisionInput, t: Templates): Step {
  const schedules = schedulesOf(input);
  const files = () => scheduleFiles(input, t);
  const timers = schedules.map((s) => s.timer);
  return {
    id: 'schedules',
    title: "Scheduled tasks: each app's timers and the units they start",
    doc: {
      why:
        'Each apps.<name>.schedules entry becomes <app>-<name>.timer (OnCalendar=, Persistent=true) and the oneshot ' +
        "<app>-<name>.service it starts: the argv in the current release as the deploy user with the app's environment, " +
        'bounded by TimeoutStartSec (timeoutSeconds) and MemoryMax. The argv is a file of one word per line read by a small ' +
        'launcher, so systemd never expands $ or % in it and no shell sees it. With overlap: false (the default) a run due ' +
        'while the last one still runs is skipped (systemd does not start an active unit again); with overlap: true each ' +
        'run is a transient unit of its own (systemd-run) with the same bounds. A schedule removed from the config has its ' +
        `timer stopped and disabled, and its files kept in ${REPLACED_DIR}/.`,
      commands: [
        'systemd-analyze calendar -- <when>   # each schedule: refused unless systemd takes it',
        `templates/systemd/schedule-run -> ${SCHEDULE_RUN}`,
        `apps.<app>.schedules.<name>.command, one word per line -> ${SCHEDULE_ARGV_DIR}/<app>-<name>.argv`,
        `templates/systemd/schedule.service -> ${PATHS.units}/<app>-<name>.service`,
        `templates/systemd/schedule.timer -> ${PATHS.units}/<app>-<name>.timer`,
        'systemctl daemon-reload',
        'systemctl enable --now <app>-<name>.timer ...',
        `systemctl disable --now <timer of a removed schedule>; mv its files to ${REPLACED_DIR}/<time>/`,
      ],
      verify: ['systemctl list-timers', 'hms schedules'],
    },
    async check(host) {
      await checkCalendars(host, schedules);
      const stale = (await staleTimers(host, schedules)).map((timer) => `${timer}${STALE}`);
      return [...(await diffFiles(host, files())), ...(await timerChanges(host, timers)), ...stale];
    },
    async apply(host, changes) {
      if (schedules.length > 0) await host.must(['install', '-d', '-m', '755', '--', SCHEDULE_ARGV_DIR], `mkdir ${SCHEDULE_ARGV_DIR}`);
      await writeFiles(host, files(), changes);
      const keep = `${REPLACED_DIR}/${new Date().toISOString().replace(/[-:]|\.\d+/g, '')}`;
      for (const change of changes.filter((c) => c.endsWith(STALE))) await retire(host, changedPath(change), keep);
      await host.must(['systemctl', 'daemon-reload'], 'systemctl daemon-reload');
      if (timers.length === 0) return;
      await host.must(['systemctl', 'enable', '--now', '--quiet', '--', ...timers], 'systemctl enable --now the schedule timers');
      // A new calendar counts from now on, not from when the timer was last armed.
      const rescheduled = timers.filter((timer) => changes.some((change) => changedPath(change) === `${PATHS.units}/${timer}`));
      if (rescheduled.length > 0) await host.must(['systemctl', 'restart', '--', ...rescheduled], 'restart the rescheduled timers');
    },
  };
}

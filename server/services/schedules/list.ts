/** Every app's (or one app's) schedules with their last and next runs, from one `systemctl show`. */
import type { ScheduleStatus } from '../../../src/api/schedules.js';
import type { AgentDeps } from '../../env.js';
import { allowed, ApiError } from '../../errors.js';
import { parseSchedules, type ScheduleRef, scheduleShowArgv } from './show.js';

const SHOW_BOUNDS = { timeoutMs: 10_000, maxOutputBytes: 1024 * 1024 } as const;

/** The configured schedules, by app then name; only `app`'s when given (an unknown app is a 404). */
export function scheduleRefs(deps: AgentDeps, app?: string): ScheduleRef[] {
  const apps = app === undefined ? deps.config.apps : { [app]: allowed('app', app, deps.config.apps) };
  return Object.entries(apps)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([name, settings]) =>
      Object.entries(settings.schedules)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([schedule, config]) => ({ app: name, name: schedule, config })),
    );
}

export async function listSchedules(deps: AgentDeps, app?: string): Promise<{ schedules: ScheduleStatus[] }> {
  const refs = scheduleRefs(deps, app);
  if (refs.length === 0) return { schedules: [] };
  const shown = await deps.exec(scheduleShowArgv(refs), SHOW_BOUNDS);
  if (shown.code !== 0) {
    throw new ApiError(502, `systemctl show could not read the schedules: ${shown.stderr.trim().split('\n').pop() ?? ''}`, {
      hint: 'Provision the server again (`hms provision`) so that every schedule has its timer.',
    });
  }
  return { schedules: parseSchedules(shown.stdout, refs) };
}

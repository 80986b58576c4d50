/**
 * schedules = each app's scheduled tasks (systemd timers written by `hms provision`):
 * their last and next runs, and a run started now with its output streamed.
 */
export { listSchedules, scheduleRefs } from './list.js';
export { prepareScheduleRun, runSchedule } from './run.js';

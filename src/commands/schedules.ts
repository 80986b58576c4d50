/**
 * `hms schedules [app]`: every app's scheduled tasks, their last run (when, result,
 * how long) and their next; a failed one in red. `hms schedules run <app> <name>`
 * runs one now, output as it comes, and exits with the task's code.
 */
import type { ScheduleStatus } from '../api/schedules.js';
import { connectForApp } from '../client/connect.js';
import { listSchedules, runScheduleStream } from '../client/schedules-client.js';
import { UsageError } from '../core/errors.js';
import { SCHEDULE_HEADERS, scheduleRow } from '../core/schedule-status.js';
import { table } from '../core/table.js';
import type { Command, CommandContext, CommandOutput } from './command.js';
import { SCHEDULES_RUN_USAGE, schedulesHelp } from './help/index.js';
import { onServers } from './each-server.js';
import { liveOutput } from './logs.js';
import { colorOn, RED } from './output.js';
import { INTERRUPTED, printOutput } from './run.js';

export const schedulesCommand: Command = {
  ...schedulesHelp,
  run: (context) => (context.args[0] === 'run' ? runNow(context) : list(context)),
};

/** The table; a failed schedule's row red (coloured after padding, so the columns stay aligned). */
export function schedulesTable(schedules: ScheduleStatus[], now: Date, color: boolean): string {
  if (schedules.length === 0) return 'No scheduled tasks (apps.<name>.schedules in hms.config.json).';
  const lines = table(
    SCHEDULE_HEADERS,
    schedules.map((s) => scheduleRow(s, now)),
  ).split('\n');
  return lines.map((line, i) => (color && i >= 2 && schedules[i - 2]!.result === 'failed' ? RED(line) : line)).join('\n');
}

async function list(context: CommandContext): Promise<CommandOutput> {
  const app = context.args[0];
  const color = colorOn(context);
  if (app) {
    const connected = await connectForApp(context, app);
    try {
      const { schedules } = await listSchedules(connected.client, app);
      return { data: { schedules }, human: schedulesTable(schedules, new Date(), color), exitCode: failedCode(schedules) };
    } finally {
      await connected.close();
    }
  }
  const results = await onServers(context, async ({ client }) => (await listSchedules(client)).schedules);
  const human = results.map((r) =>
    r.ok ? schedulesTable(r.data!, new Date(), color) : `${r.server}: ✗ ${r.error!.message}\n  ${r.error!.hint ?? ''}`,
  );
  const schedules = results.flatMap((r) => r.data ?? []);
  const unreachable = results.some((r) => !r.ok);
  const data = context.flags.all ? results : { schedules };
  return { data, human: human.join('\n\n'), exitCode: unreachable ? 1 : failedCode(schedules) };
}

/** 1 when a schedule's last run failed, so scripts and cron can tell. */
const failedCode = (schedules: ScheduleStatus[]): number => (schedules.some((s) => s.result === 'failed') ? 1 : 0);

async function runNow(context: CommandContext): Promise<CommandOutput> {
  const [, app, name] = context.args;
  if (!app || !name) throw new UsageError(`Which app and schedule? \`${SCHEDULES_RUN_USAGE}\`.`, 'Run `hms schedules` to see the names.');
  if (context.flags.readonly) throw new UsageError('--readonly: no schedule is run.', 'Run it without --readonly.');
  const connected = await connectForApp(context, app);
  try {
    const live = liveOutput(context);
    const exit = await printOutput(runScheduleStream(connected.client, app, name, live.signal), live);
    if (!exit) {
      context.note(`hms: stopped following; ${app} ${name} goes on in systemd on ${connected.name}.`);
      return { data: undefined, human: '', exitCode: INTERRUPTED };
    }
    if (exit.code !== null) return { data: exit, human: '', exitCode: exit.code };
    const why = exit.timedOut ? 'ran out of time' : `was killed (${exit.signal ?? 'a signal'})`;
    context.note(`hms: ${app} ${name} ${why}.`);
    return { data: exit, human: '', exitCode: exit.timedOut ? 124 : 137 };
  } finally {
    await connected.close();
  }
}

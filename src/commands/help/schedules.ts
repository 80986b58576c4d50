import type { CommandHelp } from '../../core/command-help.js';

export const SCHEDULES_RUN_USAGE = 'hms schedules run <app> <name>';

export const schedulesHelp: CommandHelp = {
  name: 'schedules',
  summary: "The apps' scheduled tasks: last run (when, result, duration) and next; `run` runs one now, output as it comes",
  usage: ['hms schedules [app] [--all]', SCHEDULES_RUN_USAGE],
  flags: [
    ['--all', 'every configured server, concurrently'],
    ['--json', 'the schedules as JSON (run: the exit as JSON after the output)'],
  ],
  examples: ['hms schedules', 'hms schedules cigar --json', 'hms schedules run cigar report'],
};

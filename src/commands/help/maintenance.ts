import type { CommandHelp } from '../../core/command-help.js';

export const MAINTENANCE_USAGE = 'hms maintenance on|off <app> [--message TEXT]';

export const maintenanceHelp: CommandHelp = {
  name: 'maintenance',
  summary: 'Put an app in maintenance (nginx answers 503 with a page, the app untouched) or take it out; without on|off, show it',
  usage: [MAINTENANCE_USAGE, 'hms maintenance <app>'],
  flags: [
    ['--message TEXT', 'what the 503 page says (plain text, one line, at most 500 characters)'],
    ['--json', 'the state as JSON'],
  ],
  examples: [
    'hms maintenance on cigar --message "Moving to a new database, back at 14:00 UTC."',
    'hms maintenance off cigar',
    'hms maintenance cigar',
  ],
};

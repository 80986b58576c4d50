import type { CommandHelp } from '../../core/command-help.js';

export const RESTORE_USAGE = 'hms restore <app> <backup-id>';

export const restoreHelp: CommandHelp = {
  name: 'restore',
  summary: "Restore one of an app's backups as its live database (asked first; the replaced database is kept)",
  usage: [`${RESTORE_USAGE} [--yes] [--json]`],
  flags: [
    ['--yes, -y', 'do not ask first (needed where there is no terminal)'],
    ['--json', 'the result as JSON'],
  ],
  examples: ['hms restore cigar 1a2b3c4d', 'hms restore cigar 1a2b3c4d --yes --json'],
};

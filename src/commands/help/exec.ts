import type { CommandHelp } from '../../core/command-help.js';

export const EXEC_USAGE = 'hms exec <app> -- <command> [args...]';

export const execHelp: CommandHelp = {
  name: 'exec',
  summary: "Run one command in an app's current release with its environment (as the deploy user); hms exits with its code",
  usage: [EXEC_USAGE],
  flags: [
    ['--json', 'one result with the output and exit code, instead of the output as it comes'],
    ['-- command...', 'everything after -- is the command, one word per argument (no shell)'],
  ],
  examples: [
    "hms exec cigar -- bin/rails runner 'puts Visit.count'",
    'hms exec cigar -- bin/rails db:migrate:status',
    'hms exec cigar --json -- ls log',
  ],
};

import type { CommandHelp } from '../../core/command-help.js';

export const ENV_USAGE = 'hms env <app> [--json]';

export const envHelp: CommandHelp = {
  name: 'env',
  summary: "List an app's environment variables (secret values masked) and what differs from the server",
  usage: [ENV_USAGE],
  flags: [['--json', 'the variables and their state as JSON']],
  examples: ['hms env cigar', 'hms env cigar --json'],
};

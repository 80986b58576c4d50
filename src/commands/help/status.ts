import type { CommandHelp } from '../../core/command-help.js';

export const statusHelp: CommandHelp = {
  name: 'status',
  summary: 'Apps, nginx and the agent: state, since, memory, restarts, health, release',
  usage: ['hms status [app] [--all]'],
  flags: [['--all', 'every configured server, concurrently']],
  examples: ['hms status', 'hms status cigar', 'hms status --all --json'],
};

import type { CommandHelp } from '../../core/command-help.js';

export const disconnectHelp: CommandHelp = {
  name: 'disconnect',
  summary: 'Stop the background holders that keep SSH connections open',
  usage: ['hms disconnect [server]'],
  flags: [['--json', 'machine-readable output']],
  examples: ['hms disconnect', 'hms disconnect prod'],
};

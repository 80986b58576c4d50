import type { CommandHelp } from '../../core/command-help.js';

export const CONSOLE_USAGE = 'hms console <app>';

export const consoleHelp: CommandHelp = {
  name: 'console',
  summary: "Open the app's Rails console on its server, in this terminal (through SSH, with the app's environment); audited",
  usage: [CONSOLE_USAGE],
  flags: [],
  examples: ['hms console cigar'],
};

import type { CommandHelp } from '../../src/core/command-help.js';

/** `hms monitor --help`: kept apart from main.ts so printing it loads no blessed. */
export const monitorHelp: CommandHelp = {
  name: 'monitor',
  summary:
    'Charts of a server every 2 s (CPU, memory, disks, requests, apps) ' +
    "and one log: the app's, a source of `hms logs`, or the first app's; q or Esc quits",
  usage: ['hms monitor [app|source]'],
  flags: [],
  examples: ['hms monitor', 'hms monitor cigar --server prod', 'hms monitor nginx:error'],
};

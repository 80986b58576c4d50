import type { CommandHelp } from '../../core/command-help.js';

export const auditHelp: CommandHelp = {
  name: 'audit',
  summary: 'Recent state-changing actions: who, when, what, result',
  usage: ['hms audit [-n N]'],
  flags: [['-n, --lines N', 'how many of the latest entries (default 50)']],
  examples: ['hms audit', 'hms audit -n 200 --json'],
};

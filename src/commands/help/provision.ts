import type { CommandHelp } from '../../core/command-help.js';

export const provisionHelp: CommandHelp = {
  name: 'provision',
  summary: 'Bring a server to the provisioned state, changing only what differs',
  usage: ['hms provision [server] [--dry-run]', 'hms provision --print-log'],
  flags: [
    ['--dry-run', 'check every step and print what would change; change nothing'],
    ['--print-log', 'print the procedure as DEPLOYMENT_LOG.md (for hms.config.example.json); connect to nothing'],
  ],
  examples: ['hms provision --dry-run', 'hms provision prod', 'hms provision --print-log > DEPLOYMENT_LOG.md'],
};

import type { CommandHelp } from '../../core/command-help.js';

export const fullDeployHelp: CommandHelp = {
  name: 'full-deploy',
  summary: 'Provision a server, then install the agent (apps follow with `hms deploy`)',
  usage: ['hms full-deploy [server]'],
  flags: [],
  examples: ['hms full-deploy', 'hms full-deploy prod'],
};

import type { CommandHelp } from '../../core/command-help.js';

export const deployHostingApiHelp: CommandHelp = {
  name: 'deploy-hosting-api',
  summary: 'Install the agent on a provisioned server over SSH and wait until it answers',
  usage: ['hms deploy-hosting-api [server]'],
  flags: [],
  examples: ['hms deploy-hosting-api', 'hms deploy-hosting-api prod'],
};

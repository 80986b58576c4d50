import type { CommandHelp } from '../../core/command-help.js';

export const updateHostingApiHelp: CommandHelp = {
  name: 'update-hosting-api',
  summary: "Send this hms's agent to the running agent; it switches, health-checks, and rolls back on failure",
  usage: ['hms update-hosting-api [--release ID] [--from DIR]', 'hms update-hosting-api --list'],
  flags: [
    ['--release ID', 'switch to a release already on the server'],
    ['--from DIR', 'send the agent bundle from this folder (default: the one beside this hms)'],
    ['--list', 'list the releases on the server and the last update'],
  ],
  examples: ['hms update-hosting-api', 'hms update-hosting-api --list', 'hms update-hosting-api --release <id>'],
};

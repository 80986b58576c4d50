import type { CommandHelp } from '../../core/command-help.js';

export const doctorHelp: CommandHelp = {
  name: 'doctor',
  summary: 'What needs attention: failed units, disks, certificates, log errors, versions, backups, open incidents',
  usage: ['hms doctor [--all]'],
  flags: [['--all', 'every configured server, concurrently']],
  examples: ['hms doctor', 'hms doctor --all --json'],
};

import type { CommandHelp } from '../../core/command-help.js';

export const sharedHelp: CommandHelp = {
  name: 'shared',
  summary: "List an app's shared/ files, or put one there (shared-path defaults to config/<file name>)",
  usage: ['hms shared list <app>', 'hms shared put <app> <local-file> [shared-path]'],
  flags: [
    ['list <app>', "each file in the app's shared/: path, size, mode, when it changed"],
    [
      'put <app> <file> [path]',
      'uploads a file into shared/ as the deploy user (0640, secret-looking files 0600); the previous version is kept as <path>.<time>.bak',
    ],
  ],
  examples: [
    'hms shared list cigar',
    'hms shared put cigar ./config/master.key',
    'hms shared put cigar ./instances/default/database.yml config/database.yml',
  ],
};

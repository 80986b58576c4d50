import type { CommandHelp } from '../../core/command-help.js';

export const configHelp: CommandHelp = {
  name: 'config',
  summary: 'nginx sites: list, show, edit in $EDITOR (nginx -t before it goes live), diff, history, revert',
  usage: [
    'hms config [list]',
    'hms config show|edit|history <site>',
    'hms config diff <site> [backup-id]',
    'hms config revert <site> <backup-id>',
  ],
  flags: [['--yes, -y', 'apply an edit or a revert without asking']],
  examples: ['hms config', 'hms config edit cigar', 'hms config diff cigar', 'hms config revert cigar <backup-id>'],
};

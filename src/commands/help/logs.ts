import type { CommandHelp } from '../../core/command-help.js';

export const logsHelp: CommandHelp = {
  name: 'logs',
  summary: "Log lines with their times (UTC): an app's production log or any source; -f follows",
  usage: ['hms logs [app|source] [-f] [-n N] [--all]', '         [--grep RE] [--since T] [--until T] [--priority P]'],
  flags: [
    ['-f, --follow', 'print new lines as they come, until Ctrl-C'],
    ['--all', 'the same log on every configured server at once, each line prefixed by its server'],
    ['-n, --lines N', 'the last N lines (default 200; with -f, 10 before new ones)'],
    ['--grep RE', 'only lines matching this extended regular expression'],
    ['--since T, --until T', 'a time window: an ISO date or time, -1h, 10 min ago, today, yesterday'],
    ['--priority P', 'journal sources: this priority or more urgent (0-7, err, warning, ...)'],
  ],
  examples: [
    'hms logs',
    'hms logs cigar -n 100',
    'hms logs cigar -f --grep "Completed 5"',
    'hms logs nginx:error --since "10 min ago"',
    'hms logs nginx:access --all -f',
  ],
};

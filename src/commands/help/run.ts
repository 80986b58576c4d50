import type { CommandHelp } from '../../core/command-help.js';

export const runHelp: CommandHelp = {
  name: 'run',
  summary: "Run a troubleshooting script, output as it comes; hms exits with the script's code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)",
  usage: ['hms run', 'hms run <script> [--json] [-- args...]'],
  flags: [
    ['--json', 'one result with the output and exit code, instead of the output as it comes'],
    ['-- args...', 'everything after -- goes to the script'],
  ],
  examples: ['hms run', 'hms run check_status', 'hms run check_disk_space -- --warning 70'],
};

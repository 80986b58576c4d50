import type { CommandHelp } from '../../core/command-help.js';

export const trustHelp: CommandHelp = {
  name: 'trust',
  summary: "Show a server's SSH host key and record it in known_hosts",
  usage: ['hms trust [server] [--yes]'],
  flags: [['--yes, -y', 'record the key without asking (check its fingerprint another way first)']],
  examples: ['hms trust', 'hms trust prod'],
};

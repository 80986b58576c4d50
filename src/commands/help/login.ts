import type { CommandHelp } from '../../core/command-help.js';

export const loginHelp: CommandHelp = {
  name: 'login',
  summary: "Check a server's API token and keep it in the OS keychain",
  usage: ['hms login [server] [--token-stdin]'],
  flags: [['--token-stdin', 'read the token from standard input (default: api_token of .secrets.json)']],
  examples: ['hms login', 'hms login prod --token-stdin < token.txt'],
};

export const logoutHelp: CommandHelp = {
  name: 'logout',
  summary: "Forget a server's API token",
  usage: ['hms logout [server]'],
  flags: [],
  examples: ['hms logout', 'hms logout prod'],
};

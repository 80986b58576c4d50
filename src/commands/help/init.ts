import type { CommandHelp } from '../../core/command-help.js';

export const initHelp: CommandHelp = {
  name: 'init',
  summary: 'Write hms.config.json: a server and optionally an app on it, or another app on a server it has',
  usage: [
    'hms init --host HOST [--name prod] [--user U] [--port P] [--identity-file F] [--public-url URL]',
    '         [--app NAME --domain D --repo R [--branch B]] [--force]',
    'hms init --app NAME --domain D --repo R [--branch B] [--server prod] [--force]',
  ],
  flags: [
    ['--host HOST', "the server's host name or address (asked for in a terminal)"],
    ['--name NAME', 'what hms calls the server (default prod)'],
    ['--user U, --port P', 'the SSH login user and port'],
    ['--identity-file F', 'the SSH private key'],
    ['--public-url URL', "the agent's HTTPS address, for --via https"],
    ['--app NAME', 'also describe an app on it; needs --domain and --repo'],
    ['--domain D, --repo R', "the app's domain name and git repository"],
    ['--branch B', 'the branch deploys take'],
    ['--server NAME', 'with --app and no --host: the server the app goes on (when there are several)'],
    ['--force', 'replace a server or app of the same name'],
  ],
  examples: [
    'hms init --host hosting.example.com --user deploy',
    'hms init --host hosting.example.com --app cigar --domain cigar.example.com --repo git@github.com:me/cigar.git',
    'hms init --app tobacco --domain tobacco.example.com --repo git@github.com:me/tobacco.git',
  ],
};

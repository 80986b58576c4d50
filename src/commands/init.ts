import path from 'node:path';
import { UsageError } from '../errors.js';
import { CONFIG_FILE_NAME } from '../config/load.js';
import { writeInitialConfig } from '../config/init.js';
import type { Command } from './command.js';

export const initCommand: Command = {
  name: 'init',
  summary: 'Write hms.config.json: a server, and optionally an app on it',
  usage: ['hms init --host HOST [--name prod] [--user U] [--port P] [--identity-file F] [--public-url URL]', '         [--app NAME --domain D --repo R [--branch B]] [--force]'],
  flags: [
    ['--host HOST', 'the server\'s host name or address (asked for in a terminal)'],
    ['--name NAME', 'what hms calls the server (default prod)'],
    ['--user U, --port P', 'the SSH login user and port'],
    ['--identity-file F', 'the SSH private key'],
    ['--public-url URL', 'the agent\'s HTTPS address, for --via https'],
    ['--app NAME', 'also describe an app on it; needs --domain and --repo'],
    ['--domain D, --repo R', 'the app\'s domain name and git repository'],
    ['--branch B', 'the branch deploys take'],
    ['--force', 'replace a server or app of the same name'],
  ],
  examples: ['hms init --host hosting.example.com --user deploy', 'hms init --host hosting.example.com --app cigar --domain cigar.example.com --repo git@github.com:me/cigar.git'],
  async run(context) {
    const f = context.flags;
    const host = f.host ?? (await context.ask?.('Server host name or address'));
    if (!host) throw new UsageError('`hms init` needs --host.', 'Example: hms init --host hosting.example.com --user deploy');
    if (f.app && (!f.domain || !f.repo)) throw new UsageError('--app needs --domain and --repo too.');
    const file = context.flags.config ? path.resolve(context.cwd, context.flags.config) : path.join(context.cwd, CONFIG_FILE_NAME);
    const report = await writeInitialConfig(
      file,
      {
        server: f.name ?? 'prod',
        host,
        port: f.port,
        user: f.user,
        identityFile: f.identityFile,
        publicUrl: f.publicUrl,
        app: f.app ? { name: f.app, domain: f.domain!, repo: f.repo!, branch: f.branch } : undefined,
      },
      f.force === true,
    );
    const next = `Next: \`hms trust ${f.name ?? 'prod'}\` to record the server's host key, then \`hms secrets init\`.`;
    return { data: report, human: `${report.created ? 'Wrote' : 'Updated'} ${report.file}: servers ${report.servers.join(', ')}; apps ${report.apps.join(', ') || 'none'}.\n${next}` };
  },
};

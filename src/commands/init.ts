import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { CONFIG_FILE_NAME } from '../config/load.js';
import { addAppToConfig, writeInitialConfig, type AppAnswers } from '../config/init.js';
import type { Command, GlobalFlags } from './command.js';

function appAnswers(f: GlobalFlags): AppAnswers | undefined {
  if (!f.app) return undefined;
  if (!f.domain || !f.repo)
    throw new UsageError(
      '--app needs --domain and --repo too.',
      `Example: hms init --app ${f.app} --domain ${f.app}.example.com --repo git@example.com:${f.app}.git`,
    );
  return { name: f.app, domain: f.domain, repo: f.repo, branch: f.branch };
}

export const initCommand: Command = {
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
  async run(context) {
    const f = context.flags;
    const app = appAnswers(f);
    const file = f.config ? path.resolve(context.cwd, f.config) : path.join(context.cwd, CONFIG_FILE_NAME);
    if (app && !f.host) {
      const report = await addAppToConfig(file, f.server ?? f.name, app, f.force === true);
      const next =
        `Next: \`hms secrets init\` (adds ${app.name}'s secrets), ` +
        `\`hms provision ${report.server}\`, then \`hms deploy ${app.name}\`.`;
      return {
        data: report,
        human: `Added app ${app.name} on ${report.server} to ${report.file}; apps ${report.apps.join(', ')}.\n${next}`,
      };
    }
    const host = f.host ?? (await context.ask?.('Server host name or address'));
    if (!host)
      throw new UsageError(
        '`hms init` needs --host.',
        'Example: hms init --host hosting.example.com --user deploy (or add an app to a server: hms init --app NAME --domain D --repo R)',
      );
    const server = f.name ?? 'prod';
    const report = await writeInitialConfig(
      file,
      { server, host, port: f.port, user: f.user, identityFile: f.identityFile, publicUrl: f.publicUrl, app },
      f.force === true,
    );
    const next = `Next: \`hms trust ${server}\` to record the server's host key, then \`hms secrets init\`.`;
    return {
      data: report,
      human:
        `${report.created ? 'Wrote' : 'Updated'} ${report.file}: ` +
        `servers ${report.servers.join(', ')}; apps ${report.apps.join(', ') || 'none'}.\n${next}`,
    };
  },
};

import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { CONFIG_FILE_NAME } from '../config/load.js';
import { addAppToConfig, writeInitialConfig, type AppAnswers } from '../config/init.js';
import type { Command, GlobalFlags } from './command.js';
import { initHelp } from './help/index.js';

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
  ...initHelp,
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

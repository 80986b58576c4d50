import { HmsError } from '../errors.js';
import { installAgent, readAgentBundle, type AgentInstallReport } from '../provision/agent-install.js';
import { openProvisionSession } from '../provision/session.js';
import { readSecrets } from '../secrets/file.js';
import { secretsPathFor } from '../secrets/service.js';
import type { Command, CommandContext } from './command.js';
import { pickServer } from './server-target.js';

/** Installs (or re-installs) the agent over plain SSH: the bootstrap, before any agent exists. */
export async function deployHostingApi(context: CommandContext, name: string): Promise<AgentInstallReport> {
  const config = (await context.loadConfig())!;
  const token = (await readSecrets(secretsPathFor(config, context.flags.secrets, context.cwd))).hosting_management.api_token;
  if (!token) throw new HmsError('No hosting_management.api_token in .secrets.json.', { hint: 'Run `hms secrets init`.' });
  const bundle = await readAgentBundle();
  const session = await openProvisionSession(config, name);
  try {
    context.note(`Installing agent release ${bundle.release} on ${name}…`);
    return await installAgent(session.host, bundle, () => session.waitHealthy(token));
  } finally {
    await session.close();
  }
}

export const deployHostingApiCommand: Command = {
  name: 'deploy-hosting-api',
  summary: 'Install the agent on a provisioned server over SSH and wait until it answers',
  usage: ['hms deploy-hosting-api [server]'],
  flags: [],
  examples: ['hms deploy-hosting-api', 'hms deploy-hosting-api prod'],
  async run(context) {
    const { name } = pickServer(await context.loadConfig(), context.args[0] ?? context.flags.server);
    const report = await deployHostingApi(context, name);
    const human = report.changed
      ? `Agent ${report.release} is running on ${name}${report.previous ? ` (was ${report.previous})` : ''}. Next: \`hms login ${name}\`, then \`hms status\`.`
      : `Agent ${report.release} was already installed and running on ${name}; nothing changed.`;
    return { data: report, human };
  },
};

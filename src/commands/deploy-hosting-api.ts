import { keepToken } from '../credentials/store.js';
import { HmsError } from '../core/errors.js';
import { readAgentBundle } from '../client/agent-bundle.js';
import { installAgent, type AgentInstallReport } from '../provision/agent-install.js';
import { openProvisionSession } from '../provision/session.js';
import { readSecrets } from '../secrets/file.js';
import { secretsPathFor } from '../secrets/service.js';
import type { Command, CommandContext } from './command.js';
import { deployHostingApiHelp } from './help/index.js';
import { pickServer } from '../client/server-target.js';

/** The install, and where the API token the agent accepted is now kept (null: not kept, see the notes). */
export type AgentDeployReport = AgentInstallReport & { tokenStored: string | null };

/**
 * Installs (or re-installs) the agent over plain SSH: the bootstrap, before any agent
 * exists. The API token it was checked with is then kept like `hms login` keeps it,
 * so the next command needs no extra step.
 */
export async function deployHostingApi(context: CommandContext, name: string): Promise<AgentDeployReport> {
  const config = (await context.loadConfig())!;
  const secretsFile = secretsPathFor(config, context.flags.secrets, context.cwd);
  const token = (await readSecrets(secretsFile)).hosting_management.api_token;
  if (!token) throw new HmsError('No hosting_management.api_token in .secrets.json.', { hint: 'Run `hms secrets init`.' });
  const bundle = await readAgentBundle();
  const session = await openProvisionSession(config, name);
  try {
    context.note(`Installing agent release ${bundle.release} on ${name}…`);
    const report = await installAgent(session.host, bundle, () => session.waitHealthy(token));
    // A new install was just checked with the token; an unchanged one is asked once.
    const accepted =
      report.changed ||
      (await session.waitHealthy(token, 0).then(
        () => true,
        (error: Error) => {
          context.note(
            `The agent on ${name} does not accept the api_token of ${secretsFile} (${error.message}); it was not stored. ` +
              `Run \`hms provision ${name}\` to install it.`,
          );
          return false;
        },
      ));
    if (!accepted) return { ...report, tokenStored: null };
    const kept = await keepToken(context.env, name, config.servers[name]!.host, token);
    context.note(kept.line);
    return { ...report, tokenStored: kept.where };
  } finally {
    await session.close();
  }
}

export const deployHostingApiCommand: Command = {
  ...deployHostingApiHelp,
  async run(context) {
    const { name } = pickServer(await context.loadConfig(), context.args[0] ?? context.flags.server);
    const report = await deployHostingApi(context, name);
    const next = report.tokenStored ? `Next: \`hms status\`.` : `Next: \`hms login ${name}\`, then \`hms status\`.`;
    const human = report.changed
      ? `Agent ${report.release} is running on ${name}${report.previous ? ` (was ${report.previous})` : ''}. ${next}`
      : `Agent ${report.release} was already installed and running on ${name}; nothing changed.`;
    return { data: report, human };
  },
};

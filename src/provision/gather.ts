import { readFile } from 'node:fs/promises';
import { HmsError } from '../core/errors.js';
import type { Config } from '../config/schema.js';
import { readSecrets } from '../secrets/file.js';
import { findProblems } from '../secrets/plan.js';
import { laptopPublicKeys } from './authorized-keys.js';
import type { ProvisionInput } from './input.js';
import { readUploads } from './uploads.js';

/**
 * Reads what a server's provisioning needs from the laptop: config, secrets, keys.
 * `agentSocket` is ssh-agent's, asked for keys when the server has no identityFile.
 */
export async function gatherInput(
  config: Config,
  serverName: string,
  secretsFile: string,
  agentSocket = process.env.SSH_AUTH_SOCK,
): Promise<ProvisionInput> {
  const server = config.servers[serverName]!;
  const secrets = await readSecrets(secretsFile);
  const missing = findProblems(secrets, config).filter((p) => p.problem === 'missing');
  if (missing.length > 0) {
    throw new HmsError(`${secretsFile} lacks ${missing.map((p) => p.key).join(', ')}.`, { hint: 'Run `hms secrets init` to add them.' });
  }
  const authorizedKeys = await laptopPublicKeys(serverName, server, agentSocket);
  const deployKey = server.deployKeyFile ? await readFile(server.deployKeyFile, 'utf8') : undefined;
  return {
    serverName,
    server,
    apps: Object.entries(config.apps).filter(([, app]) => app.server === serverName),
    secrets,
    authorizedKeys,
    deployKey,
    uploads: await readUploads(config, serverName),
  };
}

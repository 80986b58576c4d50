import type { Config } from '../config/schema.js';
import { secretsSchema } from '../secrets/schema.js';
import { fillSecrets } from '../secrets/plan.js';
import type { ProvisionInput } from './input.js';

/** The plan's input for documentation: the example config, generated secrets that are never shown. */
export async function exampleInput(config: Config): Promise<ProvisionInput> {
  const [serverName, server] = Object.entries(config.servers)[0]!;
  return {
    serverName,
    server,
    apps: Object.entries(config.apps).filter(([, app]) => app.server === serverName),
    secrets: fillSecrets(secretsSchema.parse({}), config).secrets,
    authorizedKeys: ['ssh-ed25519 AAAA... you@laptop'],
    alerts: config.alerts,
    deployKey: '-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END OPENSSH PRIVATE KEY-----\n',
  };
}

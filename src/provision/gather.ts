import { readFile } from 'node:fs/promises';
import { HmsError } from '../core/errors.js';
import type { Config } from '../config/schema.js';
import { offsiteRepository } from '../core/offsite.js';
import { readSecrets } from '../secrets/file.js';
import type { Secrets } from '../secrets/schema.js';
import { findHostKeys, readKnownHosts } from '../ssh/known-hosts.js';
import { findProblems, type SecretsProblem } from '../secrets/plan.js';
import { checkAppSettings } from './app-env.js';
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
  const secrets = await readCompleteSecrets(config, secretsFile);
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
    offsiteKept: offsiteKept(config, serverName, secrets),
    offsiteTarget: await offsiteTarget(config, serverName),
    alerts: config.alerts,
  };
}

/** The secrets file, refused when a key the configuration needs is missing or wrong, or a setting is in both places. */
export async function readCompleteSecrets(config: Config, secretsFile: string): Promise<Secrets> {
  const secrets = await readSecrets(secretsFile);
  const problems = findProblems(secrets, config).filter((p) => p.problem === 'missing' || p.problem === 'invalid');
  if (problems.length > 0) throw secretsRefusal(secretsFile, problems);
  checkAppSettings(Object.entries(config.apps), secrets);
  return secrets;
}

/** Names each key, and says which `hms secrets init` makes and which a person adds or corrects (an alert channel's URL or password). */
function secretsRefusal(file: string, problems: SecretsProblem[]): HmsError {
  const keys = (list: SecretsProblem[]) => list.map((p) => p.key).join(', ');
  const lacking = problems.filter((p) => p.problem === 'missing');
  const invalid = problems.filter((p) => p.problem === 'invalid');
  const generated = problems.filter((p) => !p.byHand);
  const byHand = problems.filter((p) => p.byHand);
  const hints = byHand.map((p) => `${p.problem === 'missing' ? `Add ${p.key} to` : `Correct ${p.key} in`} ${file} by hand: ${p.byHand}.`);
  if (generated.length > 0) hints.unshift(`Run \`hms secrets init\` to add ${byHand.length > 0 ? keys(generated) : 'them'}.`);
  const what = [lacking.length > 0 ? `lacks ${keys(lacking)}` : '', invalid.length > 0 ? `has no http(s) URL in ${keys(invalid)}` : ''];
  return new HmsError(`${file} ${what.filter(Boolean).join(' and ')}.`, { hint: hints.join('\n  ') });
}

/** The repositories other servers copy their backups into on this one, each with its writer's public key. */
function offsiteKept(config: Config, serverName: string, secrets: Secrets): ProvisionInput['offsiteKept'] {
  const repositories = Object.entries(config.servers).flatMap(([name, server]) =>
    server.offsite?.server === serverName ? [offsiteRepository(name, server.offsite)] : [],
  );
  return [...new Set(repositories)].map((repository) => ({ repository, publicKey: secrets.offsite_keys[repository]?.public_key ?? '' }));
}

/**
 * The server this one copies its backups to, as this one dials it, with the host keys the laptop trusts for it
 * (`hms trust <keeper>` first): the copy checks them, it never learns a key on first use.
 */
async function offsiteTarget(config: Config, serverName: string): Promise<ProvisionInput['offsiteTarget']> {
  const offsite = config.servers[serverName]!.offsite;
  if (!offsite) return undefined;
  const keeper = config.servers[offsite.server]!;
  const hostKeys = findHostKeys(await readKnownHosts(keeper.knownHostsFile), keeper.host, keeper.port).filter((key) => !key.revoked);
  if (hostKeys.length === 0) {
    throw new HmsError(`The laptop does not know ${offsite.server}'s host key, so ${serverName} could not check it.`, {
      hint: `Run \`hms trust ${offsite.server}\` (and \`hms provision ${offsite.server}\`) first.`,
    });
  }
  return {
    server: offsite.server,
    repository: offsiteRepository(serverName, offsite),
    host: offsite.host ?? keeper.host,
    port: offsite.port ?? keeper.port,
    hostKeys: hostKeys.map(({ type, base64 }) => ({ type, base64 })),
  };
}

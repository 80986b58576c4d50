/**
 * The public keys the deploy user will accept: the laptop's, so every command after
 * provisioning can log in. Provisioning refuses to run without one rather than
 * leave a server nobody can reach as the deploy user.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { HmsError } from '../core/errors.js';
import type { ServerConfig } from '../config/schema.js';
import { agentPublicKeys, publicKeyOf } from '../ssh/public-keys.js';
import { PATHS } from './input.js';

/** The identity file's public key; without an identity file, every key ssh-agent holds. */
export async function laptopPublicKeys(serverName: string, server: ServerConfig, agentSocket: string | undefined): Promise<string[]> {
  if (server.identityFile) return [await identityPublicKey(serverName, server.identityFile)];
  const keys = agentSocket ? await agentPublicKeys(agentSocket) : [];
  if (keys.length === 0)
    throw noPublicKey(
      serverName,
      agentSocket ? 'no identityFile, and ssh-agent holds no key' : 'no identityFile, and no ssh-agent (SSH_AUTH_SOCK is not set)',
    );
  return keys;
}

/** `<file>.pub` when it is there, else the public half of the private key itself. */
async function identityPublicKey(serverName: string, file: string): Promise<string> {
  const pub = `${file}.pub`;
  if (existsSync(pub)) {
    const line = (await readFile(pub, 'utf8')).trim();
    if (line) return line;
  }
  const privateKey = await readFile(file).catch((error: unknown) => {
    throw noPublicKey(serverName, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  });
  const derived = publicKeyOf(privateKey, file);
  if ('publicKey' in derived) return derived.publicKey;
  throw new HmsError(
    `No public key to authorize for ${PATHS.deployUser}@${serverName}: ${file} is protected by a passphrase and ${pub} is missing.`,
    {
      hint:
        `Write it with \`ssh-keygen -y -f ${file} > ${pub}\` (it asks for the passphrase). ` +
        `hms logs in with a protected key only through ssh-agent: \`ssh-add ${file}\`, ` +
        `then remove servers.${serverName}.identityFile.`,
    },
  );
}

function noPublicKey(serverName: string, reason: string): HmsError {
  return new HmsError(`No public key to authorize for ${PATHS.deployUser}@${serverName}: ${reason}.`, {
    hint: `Set servers.${serverName}.identityFile to a key with its .pub beside it, or load a key into ssh-agent (\`ssh-add\`).`,
  });
}

/**
 * The public keys this laptop can put in a server's authorized_keys, as OpenSSH
 * lines (`type base64 comment`): those ssh-agent holds, or the one belonging to a
 * private key file. Private keys are read here and never leave this module.
 */
import ssh2, { type ParsedKey } from 'ssh2';
import { HmsError } from '../core/errors.js';

// ssh2 is CommonJS: Node finds `Client` as a named export, not these two.
const { OpenSSHAgent, utils } = ssh2;

function opensshLine(key: ParsedKey): string {
  return [key.type, key.getPublicSSH().toString('base64'), key.comment].filter(Boolean).join(' ');
}

/** A certificate in the agent is not something authorized_keys can take as a key. */
const isCertificate = (key: ParsedKey): boolean => key.type.endsWith('-cert-v01@openssh.com');

/** The keys ssh-agent at `socket` offers; empty when it holds none. */
export function agentPublicKeys(socket: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    new OpenSSHAgent(socket).getIdentities((error, keys) => {
      if (error) {
        reject(
          new HmsError(`Cannot list the keys of ssh-agent at ${socket}: ${error.message}.`, {
            hint: 'Check SSH_AUTH_SOCK, or start ssh-agent (`eval $(ssh-agent)`) and `ssh-add` your key.',
            cause: error,
          }),
        );
        return;
      }
      // OpenSSHAgent answers with parsed keys (the typings allow other entries); it skips types it cannot parse.
      resolve(((keys ?? []) as ParsedKey[]).filter((key) => !isCertificate(key)).map(opensshLine));
    });
  });
}

/** What a private key file yields: its public key, or the fact that it needs a passphrase. */
export type DerivedPublicKey = { publicKey: string } | { encrypted: true };

/** The public key of a private key (OpenSSH, PEM or PPK), as an OpenSSH line. */
export function publicKeyOf(privateKey: Buffer | string, file: string): DerivedPublicKey {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    if (/passphrase/i.test(parsed.message)) return { encrypted: true };
    throw new HmsError(`${file} is not a private key hms can read: ${parsed.message}.`, {
      hint: 'hms reads OpenSSH, PEM and PuTTY keys; point identityFile at one.',
      cause: parsed,
    });
  }
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
  return { publicKey: opensshLine(key) };
}

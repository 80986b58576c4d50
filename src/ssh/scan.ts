import { Client } from 'ssh2';
import { HmsError } from '../core/errors.js';
import { connectError } from './errors.js';
import { fingerprint, keyTypeOf, type HostKey } from './known-hosts.js';
import type { SshTarget } from './target.js';

export interface ScannedKey extends HostKey {
  fingerprint: string;
}

/**
 * Reads the host key a server presents, like ssh-keyscan: the handshake stops
 * right after the key is seen, before any authentication.
 */
export function scanHostKey(target: SshTarget): Promise<ScannedKey> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seen: ScannedKey | undefined;
    client.on('error', (error) => {
      client.end();
      if (seen) resolve(seen);
      else reject(connectError(target, error));
    });
    client.on('ready', () => {
      client.end();
      reject(new HmsError('The server accepted a connection without showing its key.'));
    });
    client.connect({
      host: target.host,
      port: target.port,
      username: target.user,
      readyTimeout: target.readyTimeoutMs ?? 15_000,
      hostVerifier: (key: Buffer) => {
        seen = { type: keyTypeOf(key), base64: key.toString('base64'), fingerprint: fingerprint(key) };
        return false;
      },
    });
  });
}

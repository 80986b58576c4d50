import { HmsError } from '../core/errors.js';
import { HostKeyError } from './errors.js';
import { appendKnownHost, findHostKeys, fingerprint, hostPattern, readKnownHosts } from './known-hosts.js';
import { scanHostKey, type ScannedKey } from './scan.js';
import type { SshTarget } from './target.js';

export interface TrustOptions {
  target: SshTarget;
  /** Shown the key before it is recorded; returns false to leave known_hosts alone. */
  confirm: (key: ScannedKey) => Promise<boolean>;
}

export interface TrustReport {
  host: string;
  knownHostsFile: string;
  type: string;
  fingerprint: string;
  status: 'added' | 'already-trusted' | 'declined';
}

/** `hms trust <server>`: show the server's host key, then record it in known_hosts. */
export async function trustServer({ target, confirm }: TrustOptions): Promise<TrustReport> {
  const key = await scanHostKey(target);
  const known = findHostKeys(await readKnownHosts(target.knownHostsFile), target.host, target.port);
  const report = (status: TrustReport['status']): TrustReport => ({
    host: hostPattern(target.host, target.port),
    knownHostsFile: target.knownHostsFile,
    type: key.type,
    fingerprint: key.fingerprint,
    status,
  });
  if (known.some((entry) => entry.base64 === key.base64 && !entry.revoked)) return report('already-trusted');
  const conflicting = known.filter((entry) => entry.type === key.type || entry.revoked);
  if (conflicting.length > 0) {
    throw new HostKeyError(
      `WARNING: ${hostPattern(target.host, target.port)} presents ${key.type} ${key.fingerprint}, ` +
        `but ${target.knownHostsFile} holds a different key for it (${conflicting.map((e) => fingerprint(e.base64)).join(', ')}). ` +
        'Not trusting it.',
      'changed',
      key.fingerprint,
      'If the server was reinstalled, remove the old key with ' +
        `\`ssh-keygen -R ${hostPattern(target.host, target.port)} -f ${target.knownHostsFile}\` and run \`hms trust\` again.`,
    );
  }
  if (!(await confirm(key))) return report('declined');
  try {
    await appendKnownHost(target.knownHostsFile, target.host, target.port, key);
  } catch (error) {
    throw new HmsError(`Could not write ${target.knownHostsFile}: ${(error as Error).message}`, { cause: error });
  }
  return report('added');
}

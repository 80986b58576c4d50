import { HostKeyError } from './errors.js';
import { algorithmsFor, findHostKeys, fingerprint, hostPattern, keyTypeOf, readKnownHosts, type KnownHostEntry } from './known-hosts.js';
import type { SshTarget } from './target.js';

/**
 * The host key policy of `StrictHostKeyChecking=yes`: only keys recorded in the
 * known_hosts file are accepted; an unknown host and a changed key are errors.
 */
export interface HostKeyCheck {
  /** Host key algorithms to offer: the types already known, like OpenSSH does. */
  algorithms: string[] | undefined;
  verify(key: Buffer): boolean;
  /** The error to report after `verify` refused a key. */
  failure(): HostKeyError | undefined;
}

export async function hostKeyCheck(target: SshTarget): Promise<HostKeyCheck> {
  const known = findHostKeys(await readKnownHosts(target.knownHostsFile), target.host, target.port);
  const usable = known.filter((entry) => !entry.revoked);
  let failure: HostKeyError | undefined;
  return {
    algorithms: usable.length > 0 ? [...new Set(usable.flatMap((entry) => algorithmsFor(entry.type)))] : undefined,
    verify(key) {
      const base64 = key.toString('base64');
      const presented = fingerprint(key);
      if (known.some((entry) => entry.revoked && entry.base64 === base64)) {
        failure = revoked(target, presented);
        return false;
      }
      if (usable.some((entry) => entry.base64 === base64)) return true;
      failure = usable.length === 0 ? unknown(target, keyTypeOf(key), presented) : changed(target, usable, presented);
      return false;
    },
    failure: () => failure,
  };
}

function unknown(target: SshTarget, type: string, presented: string): HostKeyError {
  const name = target.label ?? target.host;
  return new HostKeyError(
    `The host key of ${hostPattern(target.host, target.port)} is not known (${type} ${presented}).`,
    'unknown',
    presented,
    "Check that fingerprint with the server's owner " +
      `(ssh-keygen -lf /etc/ssh/ssh_host_${type.replace(/^ssh-/, '').replace(/-.*/, '')}_key.pub on the server), ` +
      `then run \`hms trust ${name}\`.`,
  );
}

function changed(target: SshTarget, known: KnownHostEntry[], presented: string): HostKeyError {
  const lines = known.map((entry) => entry.line).join(', ');
  return new HostKeyError(
    [
      `WARNING: THE HOST KEY OF ${hostPattern(target.host, target.port)} HAS CHANGED. Refusing to connect.`,
      `  presented: ${presented}`,
      `  expected:  ${known.map((entry) => fingerprint(entry.base64)).join(', ')} (${target.knownHostsFile} line ${lines})`,
      'Someone could be intercepting the connection, or the server was reinstalled.',
    ].join('\n'),
    'changed',
    presented,
    'If the server really was reinstalled, remove the old key with ' +
      `\`ssh-keygen -R ${hostPattern(target.host, target.port)} -f ${target.knownHostsFile}\`, ` +
      `then run \`hms trust ${target.label ?? target.host}\`.`,
  );
}

function revoked(target: SshTarget, presented: string): HostKeyError {
  return new HostKeyError(
    `The host key presented by ${target.host} (${presented}) is marked @revoked in ${target.knownHostsFile}. Refusing to connect.`,
    'revoked',
    presented,
    'Ask the server owner for the new key; do not remove the @revoked line.',
  );
}

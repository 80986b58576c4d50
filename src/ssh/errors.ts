import { HmsError } from '../core/errors.js';
import type { SshTarget } from './target.js';

export class HostKeyError extends HmsError {
  constructor(
    message: string,
    readonly kind: 'unknown' | 'changed' | 'revoked',
    readonly presentedFingerprint: string,
    hint: string,
  ) {
    super(message, { hint });
    this.name = 'HostKeyError';
  }
}

export function describeTarget(target: SshTarget): string {
  return `${target.user}@${target.host}:${target.port}`;
}

/** Turns what ssh2 or the socket reports into an error that says what to do. */
export function connectError(target: SshTarget, error: Error & { code?: string; level?: string }): HmsError {
  const where = describeTarget(target);
  const label = target.label ?? target.host;
  switch (error.code) {
    case 'ECONNREFUSED':
      return new HmsError(`SSH connection to ${where} was refused.`, {
        hint: `Is sshd running on ${target.host}, and is servers.${label}.port right?`,
        cause: error,
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HmsError(`Cannot resolve the host name ${target.host}.`, {
        hint: `Check servers.${label}.host in the configuration.`,
        cause: error,
      });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new HmsError(`${target.host} is unreachable (${error.code}).`, {
        hint: 'Check the network path to the server (VPN, routes, firewall).',
        cause: error,
      });
  }
  if (error.level === 'client-timeout' || /timed out/i.test(error.message)) {
    return new HmsError(`SSH connection to ${where} timed out.`, {
      hint: 'The host did not answer: check that it is up and that a firewall lets port ' + `${target.port} through.`,
      cause: error,
    });
  }
  if (error.level === 'client-authentication') {
    const how = target.identityFile ? `the key ${target.identityFile}` : 'the keys in ssh-agent ($SSH_AUTH_SOCK)';
    return new HmsError(`SSH authentication as ${target.user} on ${target.host} failed with ${how}.`, {
      hint:
        `Check servers.${label}.user and identityFile, ` +
        `and that the public key is in ~${target.user}/.ssh/authorized_keys on the server.`,
      cause: error,
    });
  }
  return new HmsError(`SSH connection to ${where} failed: ${error.message}`, { cause: error });
}

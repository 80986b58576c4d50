import { randomBytes } from 'node:crypto';
import ssh2 from 'ssh2';
import type { Config } from '../config/schema.js';
import { offsitePasswordKey, offsiteRepository, offsiteSshKey } from '../core/offsite.js';
import { alertChannelSecrets } from './alert-channels.js';
import { isPlaceholder, type Secrets, type SslEntry } from './schema.js';

export const DEFAULT_HOSTING_DOMAIN = 'hosting.remoteds.us';

/** One value the configuration needs in `.secrets.json`, by its dotted key. */
export interface RequiredSecret {
  key: string;
  /** 'random': 32+ random bytes; 'fixed': a non-secret default (user name, SSL paths). */
  kind: 'random' | 'fixed';
  make: () => unknown;
}

const { utils } = ssh2;
const password = (): string => randomBytes(32).toString('base64url');
// Rails' own `bin/rails secret` gives 64 random bytes as hex.
const secretKeyBase = (): string => randomBytes(64).toString('hex');
/** A webhook's HMAC-SHA256 key: 32 random bytes as hex, easy to paste into the receiver's settings. */
const signingSecret = (): string => randomBytes(32).toString('hex');

export function sslEntryFor(domain: string): SslEntry {
  return {
    domain,
    cert_path: `/etc/nginx/ssl/${domain}/${domain}.crt`,
    key_path: `/etc/nginx/ssl/${domain}/${domain}.key`,
  };
}

export function hostingDomain(config: Config | undefined): string {
  const url = Object.values(config?.servers ?? {}).find((server) => server.publicUrl)?.publicUrl;
  return url ? new URL(url).hostname : DEFAULT_HOSTING_DOMAIN;
}

/** Everything a configuration needs, in the order the file shows it. */
export function requiredSecrets(config: Config | undefined): RequiredSecret[] {
  const apps = Object.entries(config?.apps ?? {});
  return [
    ...apps.map(([name]) => ({ key: `database_passwords.${name}`, kind: 'random' as const, make: password })),
    ...apps.map(([name]) => ({ key: `secret_key_bases.${name}`, kind: 'random' as const, make: secretKeyBase })),
    // Every app's database is backed up (PostgreSQL or SQLite): a configuration with apps needs a repository password.
    ...(apps.length > 0 ? [{ key: 'backup_passwords.local', kind: 'random' as const, make: password }] : []),
    ...offsiteSecrets(config),
    // One Redis per server, made only where an app declares it.
    ...[...new Set(apps.filter(([, app]) => app.redis !== undefined).map(([, app]) => app.server))].map((server) => ({
      key: `redis_passwords.${server}`,
      kind: 'random' as const,
      make: password,
    })),
    // Each webhook channel's signing key; the values a person adds (URLs, SMTP passwords) are checked by findProblems.
    ...alertChannelSecrets(config?.alerts)
      .filter((need) => need.generated)
      .map((need) => ({ key: need.key, kind: 'random' as const, make: signingSecret })),
    { key: 'hosting_management.admin_username', kind: 'fixed', make: () => 'admin' },
    { key: 'hosting_management.admin_password', kind: 'random', make: password },
    { key: 'hosting_management.jwt_secret', kind: 'random', make: password },
    { key: 'hosting_management.api_token', kind: 'random', make: password },
    ...apps.map(([name, app]) => ({ key: `ssl_config.${name}`, kind: 'fixed' as const, make: () => sslEntryFor(app.domain) })),
    { key: 'ssl_config.hosting', kind: 'fixed', make: () => sslEntryFor(hostingDomain(config)) },
  ];
}

/** Each offsite repository a server copies its backups into: its password and the SSH key to reach it. */
function offsiteSecrets(config: Config | undefined): RequiredSecret[] {
  const repositories = new Set(
    Object.entries(config?.servers ?? {}).flatMap(([name, server]) => (server.offsite ? [offsiteRepository(name, server.offsite)] : [])),
  );
  return [...repositories].flatMap((repository) => [
    { key: offsitePasswordKey(repository), kind: 'random' as const, make: password },
    { key: offsiteSshKey(repository), kind: 'random' as const, make: () => sshKeyPair(`hms offsite ${repository}`) },
  ]);
}

/** An ed25519 key pair in OpenSSH format (ssh2's generator, so no ssh-keygen is needed on the laptop). */
function sshKeyPair(comment: string): { private_key: string; public_key: string } {
  const pair = utils.generateKeyPairSync('ed25519', { comment });
  return { private_key: pair.private, public_key: pair.public };
}

export function getKey(secrets: Secrets, key: string): unknown {
  let value: unknown = secrets;
  for (const part of keyPath(key)) value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}

export function setKey(secrets: Secrets, key: string, value: unknown): void {
  const path = keyPath(key);
  let record = secrets as unknown as Record<string, unknown>;
  for (const part of path.slice(0, -1)) {
    record[part] = { ...((record[part] as Record<string, unknown> | undefined) ?? {}) };
    record = record[part] as Record<string, unknown>;
  }
  record[path.at(-1)!] = value;
}

/** `section.name`; an alert channel's keys go one deeper (`alert_channels.<channel>.<field>`, channel names have no dots). */
function keyPath(key: string): string[] {
  const dot = key.indexOf('.');
  const [section, name] = [key.slice(0, dot), key.slice(dot + 1)];
  return section === 'alert_channels' ? [section, ...name.split('.')] : [section, name];
}

export interface InitResult {
  secrets: Secrets;
  added: string[];
  kept: string[];
  rotated: string[];
}

/** Adds what is missing, keeps every existing value, and replaces `rotate` if given. */
export function fillSecrets(existing: Secrets, config: Config | undefined, rotate?: string): InitResult {
  const secrets: Secrets = structuredClone(existing);
  const result: InitResult = { secrets, added: [], kept: [], rotated: [] };
  for (const required of requiredSecrets(config)) {
    if (required.key === rotate) {
      setKey(secrets, required.key, required.make());
      result.rotated.push(required.key);
    } else if (getKey(secrets, required.key) === undefined) {
      setKey(secrets, required.key, required.make());
      result.added.push(required.key);
    } else {
      result.kept.push(required.key);
    }
  }
  return result;
}

export function rotatableKeys(config: Config | undefined): string[] {
  return requiredSecrets(config)
    .filter((required) => required.kind === 'random')
    .map((required) => required.key);
}

export interface SecretsProblem {
  key: string;
  problem: 'missing' | 'placeholder' | 'weak' | 'invalid';
  /** A value `hms secrets init` cannot make (an alert channel's URL or password): what a person adds. */
  byHand?: string;
}

/** Missing keys, placeholder values and short random values; never the values themselves. */
export function findProblems(secrets: Secrets, config: Config | undefined): SecretsProblem[] {
  const problems: SecretsProblem[] = [];
  for (const required of requiredSecrets(config)) {
    const value = getKey(secrets, required.key);
    if (value === undefined) problems.push({ key: required.key, problem: 'missing' });
    else if (required.kind === 'random' && typeof value === 'string') {
      if (isPlaceholder(value)) problems.push({ key: required.key, problem: 'placeholder' });
      else if (value.length < 32) problems.push({ key: required.key, problem: 'weak' });
    }
  }
  for (const need of alertChannelSecrets(config?.alerts).filter((n) => !n.generated)) {
    const value = getKey(secrets, need.key);
    if (typeof value !== 'string' || value.trim() === '') problems.push({ key: need.key, problem: 'missing', byHand: need.what });
    // The agent refuses to start with a channel URL it cannot post to: caught here, before provisioning installs it.
    else if (need.field === 'url' && !/^https?:\/\/[^\s/]+/.test(value))
      problems.push({ key: need.key, problem: 'invalid', byHand: need.what });
  }
  return problems;
}

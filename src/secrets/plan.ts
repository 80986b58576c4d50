import { randomBytes } from 'node:crypto';
import ssh2 from 'ssh2';
import type { Config } from '../config/schema.js';
import { offsitePasswordKey, offsiteRepository, offsiteSshKey } from '../core/offsite.js';
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
  const [section, name] = splitKey(key);
  return (secrets as Record<string, Record<string, unknown> | undefined>)[section]?.[name];
}

export function setKey(secrets: Secrets, key: string, value: unknown): void {
  const [section, name] = splitKey(key);
  const record = secrets as unknown as Record<string, Record<string, unknown>>;
  record[section] = { ...(record[section] ?? {}), [name]: value };
}

function splitKey(key: string): [string, string] {
  const dot = key.indexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
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
  problem: 'missing' | 'placeholder' | 'weak';
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
  return problems;
}

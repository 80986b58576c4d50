/**
 * Each PostgreSQL app's role, database and connection URL, and the server configuration
 * that lets only those roles in. Pure: the database step reads the server and decides.
 * Names come from hms.config.json (`apps.<name>.database`, or the app's name with "-"
 * as "_") and are checked again here: a name that is not a plain lowercase identifier,
 * or one PostgreSQL keeps for itself, is refused before anything runs.
 */
import { HmsError } from '../core/errors.js';
import type { DatabaseConfig } from '../config/schema.js';
import type { ManagedFile } from './files.js';
import type { ProvisionInput } from './input.js';
import { SCRAM_SAFE_PASSWORD } from './scram.js';
import { postgresNames } from './shared-files.js';

export const POSTGRES_PORT = 5432;
/** A database host that means "this server": provisioning installs and configures PostgreSQL here. */
export const LOCAL_DATABASE_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '::1']);

export interface AppDatabase {
  app: string;
  role: string;
  database: string;
  host: string;
  password: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** Names PostgreSQL refuses for roles (`public`, `none`, `pg_*`, …) or that are its own. */
const RESERVED_ROLES = new Set(['postgres', 'public', 'none', 'current_user', 'session_user', 'current_role']);
const RESERVED_DATABASES = new Set(['postgres', 'template0', 'template1']);

function refuse(app: string, what: string, why: string): never {
  throw new HmsError(`apps.${app}.database: ${what} ${why}.`, {
    hint:
      `Set apps.${app}.database.name and .user in hms.config.json to lowercase identifiers of your own ` +
      '(letters, digits, "_"), then run `hms provision` again.',
  });
}

function checkName(app: string, kind: 'role' | 'database', name: string): void {
  if (!IDENTIFIER.test(name)) refuse(app, `the ${kind} name "${name}"`, 'is not a lowercase identifier (letters, digits, "_")');
  const reserved = kind === 'role' ? RESERVED_ROLES.has(name) || name.startsWith('pg_') : RESERVED_DATABASES.has(name);
  if (reserved) refuse(app, `the ${kind} name "${name}"`, 'belongs to PostgreSQL itself');
}

type Postgresql = Extract<DatabaseConfig, { adapter: 'postgresql' }>;

/** The PostgreSQL apps of the input with their names and passwords, checked; one role and one database per app. */
export function appDatabases(input: Pick<ProvisionInput, 'apps' | 'secrets'>): AppDatabase[] {
  const result: AppDatabase[] = [];
  for (const [app, config] of input.apps) {
    if (config.database.adapter !== 'postgresql') continue;
    const names = postgresNames(app, config.database as Postgresql);
    checkName(app, 'role', names.user);
    checkName(app, 'database', names.database);
    const password = input.secrets.database_passwords[app];
    if (password === undefined) {
      throw new HmsError(`.secrets.json has no database_passwords.${app}.`, { hint: 'Run `hms secrets init` to add it.' });
    }
    if (!SCRAM_SAFE_PASSWORD.test(password)) {
      throw new HmsError(`database_passwords.${app} in .secrets.json is not printable ASCII.`, {
        hint: `Run \`hms secrets init --rotate database_passwords.${app}\` for a new one.`,
      });
    }
    for (const other of result) {
      if (other.role === names.user) refuse(app, `the role "${names.user}"`, `is apps.${other.app}'s too; each app needs its own`);
      if (other.database === names.database)
        refuse(app, `the database "${names.database}"`, `is apps.${other.app}'s too; each app needs its own`);
    }
    result.push({ app, role: names.user, database: names.database, host: names.host, password });
  }
  return result;
}

export const isLocalDatabase = (db: Pick<AppDatabase, 'host'>): boolean => LOCAL_DATABASE_HOSTS.has(db.host);

/**
 * Percent-encoding of everything but letters, digits and `-._~`: besides the URL, the
 * value goes through systemd's EnvironmentFile parser, which reads quotes and
 * backslashes anywhere in a value (encodeURIComponent leaves `'` as it is).
 */
export const encodeStrictly = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** What Rails reads: `postgres://role:password@host:5432/database`, the password percent-encoded. */
export function databaseUrl(db: AppDatabase): string {
  const host = db.host.includes(':') ? `[${db.host}]` : db.host;
  return `postgres://${db.role}:${encodeStrictly(db.password)}@${host}:${POSTGRES_PORT}/${db.database}`;
}

/** One line of `pg_lsclusters --no-header`. */
export interface Cluster {
  version: string;
  name: string;
  port: number;
  online: boolean;
}

/** The cluster the apps connect to: Debian's, on port 5432. */
export function findCluster(lsclusters: string): Cluster | undefined {
  return lsclusters
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 4 && /^\d+$/.test(fields[0]!))
    .map(([version, name, port, status]) => ({ version: version!, name: name!, port: Number(port), online: status === 'online' }))
    .find((cluster) => cluster.port === POSTGRES_PORT);
}

export const clusterDir = (cluster: Pick<Cluster, 'version' | 'name'>): string => `/etc/postgresql/${cluster.version}/${cluster.name}`;

const HBA_COLUMNS = [8, 16, 16, 16];
const hbaLine = (...fields: string[]): string =>
  fields
    .map((field, i) => (i < HBA_COLUMNS.length ? field.padEnd(HBA_COLUMNS[i]!) : field))
    .join('')
    .trimEnd();

/**
 * conf.d/hms.conf (included by Debian's postgresql.conf) and the whole pg_hba.conf:
 * loopback and the socket only, scram-sha-256, each role to its own database.
 */
export function clusterFiles(cluster: Pick<Cluster, 'version' | 'name'>, dbs: AppDatabase[]): ManagedFile[] {
  const dir = clusterDir(cluster);
  const conf = [
    '# Written by `hms provision`. The apps reach PostgreSQL over loopback; nothing else can.',
    "listen_addresses = 'localhost'",
    "password_encryption = 'scram-sha-256'",
    '',
  ].join('\n');
  const hba = [
    '# Written by `hms provision` from the apps of hms.config.json; edits here are replaced at the',
    '# next run. The postgres superuser through the socket as the postgres Unix user (peer, as',
    "# Debian sets it up), each app's role to its own database over loopback with scram-sha-256.",
    '# Any other connection matches no line and is refused.',
    hbaLine('# TYPE', 'DATABASE', 'USER', 'ADDRESS', 'METHOD'),
    hbaLine('local', 'all', 'postgres', '', 'peer'),
    ...dbs
      .filter(isLocalDatabase)
      .flatMap((db) => ['127.0.0.1/32', '::1/128'].map((address) => hbaLine('host', db.database, db.role, address, 'scram-sha-256'))),
    '',
  ].join('\n');
  const file = (name: string, content: string, mode: number): ManagedFile => ({
    path: `${dir}/${name}`,
    content,
    mode,
    owner: 'postgres',
    group: 'postgres',
  });
  return [file('conf.d/hms.conf', conf, 0o644), file('pg_hba.conf', hba, 0o640)];
}

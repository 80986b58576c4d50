/**
 * What the database step reads from and sends to PostgreSQL, as SQL text fed to psql on
 * its stdin: never in argv. Identifiers are checked names (postgres.ts), double-quoted
 * anyway; the only literal values are names and password verifiers (scram.ts).
 */
import type { AppDatabase } from './postgres.js';
import { verifierMatches } from './scram.js';

export interface RoleState {
  login: boolean;
  /** Attributes an app's role must not have, by name, where it has them. */
  extra: string[];
  verifier: string;
}

export interface ClusterState {
  roles: Map<string, RoleState>;
  /** Database name -> owner. */
  databases: Map<string, string>;
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** `psql -At -F '|'` over this gives one line per role and database of the apps. */
export function stateQuery(dbs: AppDatabase[]): string {
  const roles = dbs.map((db) => literal(db.role)).join(', ') || 'NULL';
  const databases = dbs.map((db) => literal(db.database)).join(', ') || 'NULL';
  return [
    "SELECT 'role', rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, coalesce(rolpassword, '')",
    `  FROM pg_authid WHERE rolname IN (${roles});`,
    `SELECT 'database', datname, pg_get_userbyid(datdba) FROM pg_database WHERE datname IN (${databases});`,
    '',
  ].join('\n');
}

const EXTRA_ATTRIBUTES = ['superuser', 'createdb', 'createrole', 'replication', 'bypassrls'];

export function parseState(output: string): ClusterState {
  const state: ClusterState = { roles: new Map(), databases: new Map() };
  for (const line of output.split('\n')) {
    const [kind, name, ...rest] = line.split('|');
    if (kind === 'role' && name && rest.length === 7) {
      const flags = rest.slice(0, 6).map((flag) => flag === 't');
      const extra = EXTRA_ATTRIBUTES.filter((_, i) => flags[i + 1]);
      state.roles.set(name, { login: flags[0]!, extra, verifier: rest[6]! });
    } else if (kind === 'database' && name && rest.length === 1) state.databases.set(name, rest[0]!);
  }
  return state;
}

/** One thing that differs for an app, with the SQL that fixes it (a verifier is made only when SQL is wanted). */
export interface DatabaseChange {
  app: string;
  kind: 'create-role' | 'role-attributes' | 'password' | 'create-database' | 'owner';
  text: string;
  sql(verifier: () => string): string[];
}

export const ROLE_ATTRIBUTES = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
/** UTF-8 whatever locale the cluster was made with; C.UTF-8 is built into Debian's libc, so no locale is generated. */
export const DATABASE_OPTIONS = "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'";

/** What differs between an app's database as hms.config.json and .secrets.json say and the server's cluster. */
export function databaseChanges(db: AppDatabase, state: ClusterState): DatabaseChange[] {
  const changes: DatabaseChange[] = [];
  const change = (kind: DatabaseChange['kind'], text: string, sql: DatabaseChange['sql']) => changes.push({ app: db.app, kind, text, sql });
  const role = state.roles.get(db.role);
  if (!role) {
    change('create-role', `role ${db.role}: create (login; no superuser, createdb or createrole)`, (verifier) => [
      `CREATE ROLE ${ident(db.role)} ${ROLE_ATTRIBUTES} PASSWORD ${literal(verifier())};`,
    ]);
  } else {
    const wrong = [...(role.login ? [] : ['nologin']), ...role.extra];
    if (wrong.length > 0)
      change('role-attributes', `role ${db.role}: attributes ${wrong.join(', ')} -> login only`, () => [
        `ALTER ROLE ${ident(db.role)} ${ROLE_ATTRIBUTES};`,
      ]);
    if (!verifierMatches(db.password, role.verifier))
      change('password', `role ${db.role}: password (database_passwords.${db.app} differs; ${db.app} restarts if it runs)`, (verifier) => [
        `ALTER ROLE ${ident(db.role)} PASSWORD ${literal(verifier())};`,
      ]);
  }
  const owner = state.databases.get(db.database);
  if (owner === undefined) {
    change('create-database', `database ${db.database}: create, owned by ${db.role}`, () => [
      `CREATE DATABASE ${ident(db.database)} OWNER ${ident(db.role)} ${DATABASE_OPTIONS};`,
      `REVOKE ALL ON DATABASE ${ident(db.database)} FROM PUBLIC;`,
    ]);
  } else if (owner !== db.role) {
    change('owner', `database ${db.database}: owner ${owner} -> ${db.role}`, () => [
      `ALTER DATABASE ${ident(db.database)} OWNER TO ${ident(db.role)};`,
    ]);
  }
  return changes;
}

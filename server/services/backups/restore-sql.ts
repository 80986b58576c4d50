/**
 * A restore's database work as data: the names it makes (from the live database's own
 * name and the time, never from a request) and the SQL it runs. The SQL goes to psql on
 * stdin with the names as psql variables (`:"live"` quotes an identifier, `:'live'` a
 * literal), so no name is ever glued into SQL text.
 */
import { AS_POSTGRES } from './argv.js';

/** UTC time as a release id: YYYYMMDDHHMMSS. */
export const stamp = (now: Date): string => now.toISOString().replace(/\D/g, '').slice(0, 14);

/** PostgreSQL identifiers are at most 63 bytes: the live name is cut so that the suffix fits. */
const withSuffix = (live: string, suffix: string): string => `${live.slice(0, 63 - suffix.length)}${suffix}`;

/** The replaced database, kept until dropped by hand. */
export const keptName = (live: string, now: Date): string => withSuffix(live, `_before_restore_${stamp(now)}`);
/** The snapshot restored beside the live database, before the swap. */
export const restoringName = (live: string, now: Date): string => withSuffix(live, `_restoring_${stamp(now)}`);

export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const suffixed = (live: string, suffix: string): RegExp => {
  const head = escapeRegExp(live.slice(0, 63 - suffix.length - 14));
  return new RegExp(`^${head}${suffix}\\d{14}$`);
};
/** The kept databases of an app whose live database is `live`: only these can be listed or dropped. */
export const keptPattern = (live: string): RegExp => suffixed(live, '_before_restore_');
export const restoringPattern = (live: string): RegExp => suffixed(live, '_restoring_');

/** A psql session on the maintenance database `postgres`, its statements on stdin, with these variables. */
export function psqlArgv(variables: Record<string, string>): string[] {
  const vars = Object.entries(variables).flatMap(([name, value]) => ['-v', `${name}=${value}`]);
  return [...AS_POSTGRES, 'psql', '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '--no-password', ...vars, '-d', 'postgres'];
}

/** The live database's owner (the app's role): the new one gets the same. */
export const OWNER_SQL = "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :'live';\n";

/** Every database with its size: the kept ones are picked from it by name (keptPattern). */
export const DATABASES_SQL = "SELECT datname || E'\\t' || pg_database_size(oid) FROM pg_database WHERE NOT datistemplate;\n";

/**
 * An empty database for the snapshot, like the live one: same owner, encoding and
 * locale, and closed to PUBLIC as provisioning closes the live one.
 */
export const CREATE_SQL = [
  "SELECT format('CREATE DATABASE %I OWNER %I TEMPLATE template0 ENCODING %L LC_COLLATE %L LC_CTYPE %L',",
  "  :'fresh', pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate, datctype)",
  "FROM pg_database WHERE datname = :'live' \\gexec",
  'REVOKE ALL ON DATABASE :"fresh" FROM PUBLIC;',
  '',
].join('\n');

/** Ends every session on a database (waiting up to 5 s for each to go) so it can be renamed or dropped. */
const terminate = (variable: string): string =>
  `SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE datname = :'${variable}' AND pid <> pg_backend_pid();`;

/**
 * The swap, in one transaction: live -> kept, fresh -> live. Either both renames happen
 * or neither, so whatever stops the agent, a database has the live name.
 */
export const SWAP_SQL = [
  terminate('live'),
  'BEGIN;',
  'ALTER DATABASE :"live" RENAME TO :"kept";',
  'ALTER DATABASE :"fresh" RENAME TO :"live";',
  'COMMIT;',
  '',
].join('\n');

/** The swap undone: the restored one goes back to its restoring name, the kept one is live again. */
export const SWAP_BACK_SQL = [
  terminate('live'),
  'BEGIN;',
  'ALTER DATABASE :"live" RENAME TO :"fresh";',
  'ALTER DATABASE :"kept" RENAME TO :"live";',
  'COMMIT;',
  '',
].join('\n');

export const DROP_SQL = [terminate('doomed'), 'DROP DATABASE IF EXISTS :"doomed";', ''].join('\n');

/** `name<TAB>size` lines. */
export function parseDatabases(stdout: string): Array<{ name: string; sizeBytes: number }> {
  return stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((parts): parts is [string, string] => parts.length === 2 && /^\d+$/.test(parts[1]!))
    .map(([name, size]) => ({ name, sizeBytes: Number(size) }));
}

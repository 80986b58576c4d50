/**
 * A server as the database step sees it, in memory: dpkg, pg_lsclusters, the managed
 * files, systemctl and a PostgreSQL that understands the few statements the step sends.
 * A stand-in at the exec door because these unit tests run where no PostgreSQL
 * cluster can be made; tests/e2e/database.e2e.test.ts runs the same step on a real one.
 * Every command is recorded with its argv and stdin, to check what would reach the server.
 */
import { createHash } from 'node:crypto';
import type { Host } from '../../../src/provision/host.js';
import type { RemoteExecResult } from '../../../src/ssh/remote-exec.js';

export interface Recorded {
  argv: string[];
  input?: string;
}

export interface PostgresHost extends Host {
  commands: Recorded[];
  files: Map<string, string>;
  roles: Map<string, { verifier: string; superuser: boolean }>;
  databases: Map<string, string>;
  installed: boolean;
  active: Set<string>;
  /** When set, psql refuses every statement with this error, quoting the statement as psql does. */
  sqlError?: string;
}

const result = (code: number, stdout: string, stderr: string): RemoteExecResult => ({
  argv: [],
  code,
  stdout,
  stderr,
  signal: null,
  timedOut: false,
  aborted: false,
  truncated: false,
});
const ok = (stdout = '') => result(0, stdout, '');
const failed = (stderr = '') => result(1, '', stderr);
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

export function postgresHost(): PostgresHost {
  const host: PostgresHost = {
    name: 'test',
    commands: [],
    files: new Map(),
    roles: new Map(),
    databases: new Map(),
    installed: false,
    active: new Set(),
    async run(argv, options) {
      const input = typeof options?.input === 'string' ? options.input : options?.input?.toString();
      host.commands.push({ argv: [...argv], ...(input === undefined ? {} : { input }) });
      const [command] = argv;
      if (command === 'dpkg-query') return host.installed ? ok('installed') : failed('no packages found');
      if (command === 'pg_lsclusters')
        return host.installed ? ok('15  main    5432 online postgres /var/lib/postgresql/15/main log\n') : failed();
      if (command === 'sh' && argv[3] === 'inspect') return ok(inspect(host, argv.slice(4)));
      if (command === 'runuser' && host.sqlError && !input?.startsWith("SELECT 'role'"))
        return failed(`ERROR:  ${host.sqlError}\nLINE 1: ${input?.split('\n')[0]}`);
      if (command === 'runuser') return ok(psql(host, input ?? ''));
      if (command === 'systemctl' && argv[1] === 'is-active') return host.active.has(argv.at(-1)!) ? ok('active') : failed('inactive');
      if (argv.includes('apt-get') && argv.includes('install')) host.installed = true;
      return ok();
    },
    async must(argv, what, options) {
      const result = await host.run(argv, options);
      if (result.code !== 0) throw new Error(`${what} failed:\n${result.stderr}`);
      return result.stdout;
    },
    async upload(content, path) {
      host.files.set(path, content.toString());
    },
  };
  return host;
}

function inspect(host: PostgresHost, paths: string[]): string {
  return paths
    .map((path) => {
      const content = host.files.get(path);
      const mode = path.endsWith('pg_hba.conf') ? '640' : '644';
      return content === undefined ? `missing - - - ${path}` : `${sha(content)} ${mode} postgres postgres ${path}`;
    })
    .join('\n');
}

/** The state query answered from the maps; CREATE/ALTER statements applied to them. */
function psql(host: PostgresHost, sql: string): string {
  if (sql.startsWith("SELECT 'role'")) {
    const names = (text: string) => [...text.matchAll(/'([a-z_0-9]+)'/g)].map((m) => m[1]!);
    const [roleSql, dbSql] = sql.split('\nSELECT');
    const roles = names(roleSql!.split('IN (')[1]!).filter((name) => host.roles.has(name));
    const dbs = names(dbSql!.split('IN (')[1]!).filter((name) => host.databases.has(name));
    return [
      ...roles.map((name) => `role|${name}|t|${host.roles.get(name)!.superuser ? 't' : 'f'}|f|f|f|f|${host.roles.get(name)!.verifier}`),
      ...dbs.map((name) => `database|${name}|${host.databases.get(name)}`),
    ].join('\n');
  }
  for (const statement of sql.split('\n')) {
    const role = /^(?:CREATE|ALTER) ROLE "(\w+)".*?(?: PASSWORD '([^']+)')?;$/.exec(statement);
    if (role) {
      const previous = host.roles.get(role[1]!);
      host.roles.set(role[1]!, {
        verifier: role[2] ?? previous?.verifier ?? '',
        superuser: statement.includes('NOSUPERUSER') ? false : (previous?.superuser ?? false),
      });
    }
    const database = /^CREATE DATABASE "(\w+)" OWNER "(\w+)"/.exec(statement) ?? /^ALTER DATABASE "(\w+)" OWNER TO "(\w+)"/.exec(statement);
    if (database) host.databases.set(database[1]!, database[2]!);
  }
  return '';
}

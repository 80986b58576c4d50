/**
 * The laptop of the PostgreSQL suites, registered as the suite's beforeAll/afterAll:
 * a folder whose config puts cigar on PostgreSQL (tobacco stays on SQLite), secrets
 * made by `hms secrets init`, and one bare test server it trusts. With `deployable`,
 * cigar's repository is the sample app on a git host the server reaches (git-host.ts),
 * and the server's packages add Debian's gems it needs (ruby-pg: its env has a
 * postgres:// DATABASE_URL), as the journey does: the server cannot reach rubygems.org.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { runHms } from '../support/run-hms.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startGitHost, type GitHost } from './git-host.js';
import { laptopFor } from './provision-laptop.js';

export interface PostgresLaptop {
  /** The bare server; set once beforeAll ran. */
  readonly server: TestServer;
  /** The laptop's folder (its hms.config.json, .secrets.json and HOME). */
  readonly dir: string;
  hms(args: string[]): ReturnType<typeof runHms>;
  /** With `deployable`: the git host serving cigar's repository. */
  readonly gitHost: GitHost;
  /** SQL as cigar's role over 127.0.0.1, as the app itself reaches its database. */
  asApp(sql: string): ReturnType<TestServer['exec']>;
  /** The laptop's .secrets.json as hms wrote it (values are compared, never printed). */
  secrets(): Promise<{ database_passwords: Record<string, string>; backup_passwords: Record<string, string> }>;
  /** The hosting site's domain (its TLS vhost serves the agent's pages) and the browser login's password, from .secrets.json. */
  hosting(): Promise<{ domain: string; adminPassword: string }>;
}

/** `server` adds keys to servers.test of hms.config.json (e.g. its `backups`); `deployable` adds a git host. */
export function postgresLaptop(prefix: string, options: { server?: object; deployable?: boolean } = {}): PostgresLaptop {
  let dir = '';
  let server: TestServer | undefined;
  let gitHost: GitHost | undefined;
  const hms = (args: string[]) => runHms(args, { cwd: dir, env: { HMS_NO_KEYCHAIN: '1' } });
  const secrets = async () => JSON.parse(await readFile(path.join(dir, '.secrets.json'), 'utf8'));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), prefix));
    const config = {
      servers: { test: { host: '0.0.0.0', identityFile: 'id_ed25519', knownHostsFile: 'known_hosts', ...options.server } },
      apps: {
        cigar: { server: 'test', repo: '/srv/git/cigar.git', domain: 'cigar.test', database: { adapter: 'postgresql' } },
        tobacco: { server: 'test', repo: '/srv/git/tobacco.git', domain: 'tobacco.test' },
      },
    };
    await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(config, null, 2));
    expect((await hms(['secrets', 'init'])).code).toBe(0);
    server = await startTestServer({ aptCache: true });
    await laptopFor(server, dir);
    if (options.deployable) {
      gitHost = await startGitHost(server.hostSideAddress);
      await gitHost.create('cigar', {}, 'one');
      const file = path.join(dir, 'hms.config.json');
      const deployable = JSON.parse(await readFile(file, 'utf8'));
      deployable.apps.cigar.repo = gitHost.url('cigar');
      deployable.servers.test.packages = ['ruby-rails', 'ruby-sqlite3', 'ruby-pg'];
      await writeFile(file, JSON.stringify(deployable, null, 2));
    }
  });
  afterAll(async () => {
    await gitHost?.stop();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  return {
    get server() {
      if (!server) throw new Error('the test server is not up yet');
      return server;
    },
    get dir() {
      return dir;
    },
    get gitHost() {
      if (!gitHost) throw new Error('no git host: postgresLaptop(..., { deployable: true })');
      return gitHost;
    },
    hms,
    secrets,
    async hosting() {
      const all = await secrets();
      return { domain: all.ssl_config?.hosting?.domain ?? 'hosting.remoteds.us', adminPassword: all.hosting_management.admin_password };
    },
    asApp: async (sql) => asAppRole(server!, 'cigar', (await secrets()).database_passwords.cigar ?? '', sql),
  };
}

/** SQL as an app's role over 127.0.0.1, as the app itself reaches its database; the password goes on stdin. */
function asAppRole(server: TestServer, role: string, password: string, sql: string) {
  return server.exec(
    [
      'sh',
      '-c',
      'IFS= read -r PGPASSWORD; export PGPASSWORD; exec psql -X -w -v ON_ERROR_STOP=1 -h 127.0.0.1 -U "$1" -d "$1" -tAc "$2"',
      'sql',
      role,
      sql,
    ],
    { input: `${password}\n` },
  );
}

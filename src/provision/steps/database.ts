/**
 * PostgreSQL on the apps' server for every app that declares it: Debian's server,
 * loopback only, scram-sha-256, and per app a login role owning its database. The role
 * gets a SCRAM verifier made on the laptop (scram.ts), fed to psql on stdin; the
 * password itself reaches the server only in the app's env file (DATABASE_URL).
 */
import { HmsError } from '../../core/errors.js';
import { changedPath, diffFiles, writeFiles } from '../files.js';
import type { Host } from '../host.js';
import type { ProvisionInput } from '../input.js';
import { type AppDatabase, appDatabases, type Cluster, clusterDir, clusterFiles, findCluster, isLocalDatabase } from '../postgres.js';
import { type ClusterState, DATABASE_OPTIONS, databaseChanges, parseState, ROLE_ATTRIBUTES, stateQuery } from '../postgres-sql.js';
import { scramVerifier } from '../scram.js';
import type { Step } from '../step.js';
import { installPackage, packageInstalled } from '../debian-package.js';

export const POSTGRES_PACKAGE = 'postgresql';
const INSTALL = `${POSTGRES_PACKAGE}: install (Debian's server)`;
const NO_STATE: ClusterState = { roles: new Map(), databases: new Map() };
const PSQL = ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-A', '-t', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-d', 'postgres'];
const unit = (cluster: Cluster): string => `postgresql@${cluster.version}-${cluster.name}.service`;

/** Whether any app of the input asks for PostgreSQL: the plan has this step only then. */
export const wantsPostgres = (input: Pick<ProvisionInput, 'apps'>): boolean =>
  input.apps.some(([, app]) => app.database.adapter === 'postgresql');

async function readCluster(host: Host): Promise<Cluster> {
  const cluster = findCluster(await host.must(['pg_lsclusters', '--no-header'], 'pg_lsclusters'));
  if (!cluster) {
    throw new HmsError(`No PostgreSQL cluster on port 5432 on ${host.name}, though ${POSTGRES_PACKAGE} is installed.`, {
      hint: 'Create one as root on the server (`pg_createcluster --start 15 main`), then run `hms provision` again.',
    });
  }
  return cluster;
}

async function readState(host: Host, dbs: AppDatabase[]): Promise<ClusterState> {
  return parseState(await host.must(PSQL, 'Reading roles and databases', { input: stateQuery(dbs), timeoutMs: 60_000 }));
}

/** Apps whose database is elsewhere are not this server's to provision; said once, changed nowhere. */
function local(input: ProvisionInput, note?: (text: string) => void): AppDatabase[] {
  const all = appDatabases(input);
  for (const db of all.filter((d) => !isLocalDatabase(d)))
    note?.(`apps.${db.app}.database.host is ${db.host}: its role and database are not provisioned on ${input.serverName}.`);
  return all.filter(isLocalDatabase);
}

const VERIFIER_TEXT = /SCRAM-SHA-256\$[^'\s]*/g;

/**
 * The statements on psql's stdin. psql quotes a failed statement in its error, and the
 * error is printed: verifiers in it are masked, and the unmasked original is not kept
 * as the cause (a verifier can be attacked offline like any password hash).
 */
async function runStatements(host: Host, sql: string[]): Promise<void> {
  try {
    await host.must(PSQL, 'Creating roles and databases', { input: `${sql.join('\n')}\n`, timeoutMs: 120_000 });
  } catch (error) {
    const message = (error as Error).message.replace(VERIFIER_TEXT, 'SCRAM-SHA-256$***');
    throw new HmsError(message, { hint: (error as HmsError).hint });
  }
}

async function restartIfRunning(host: Host, app: string): Promise<void> {
  const service = `${app}.service`;
  if ((await host.run(['systemctl', 'is-active', '--quiet', service])).code !== 0) return;
  await host.must(['systemctl', 'restart', '--', service], `restart ${service}`);
}

const WHY = [
  "Debian's PostgreSQL server for the apps whose database is PostgreSQL, listening on the socket and loopback only,",
  'with passwords stored as scram-sha-256. Each app gets a login role (no superuser, createdb or createrole) and a',
  'database it owns; pg_hba.conf lets each role into its own database over loopback and nobody else in, besides',
  "Debian's peer login of the postgres superuser. The role's password is database_passwords.<app> of .secrets.json:",
  'psql gets its SCRAM verifier on stdin, never the password, and the app reads DATABASE_URL from its env file.',
  'After `hms secrets init --rotate database_passwords.<app>`, provisioning sets the new password and restarts the',
  'running app (systemd holds its socket, so requests wait rather than fail; a phased restart would keep the old',
  'environment). Installing the server takes about 15 s on a fresh Debian 12 (17 MB from the mirror). Nothing here drops a role',
  'or a database.',
].join(' ');

function commands(dbs: AppDatabase[]): string[] {
  const example = { version: '15', name: 'main', port: 5432, online: true };
  const install = (mode: string, file: string) => `install -m ${mode} -o postgres -g postgres /dev/stdin ${clusterDir(example)}/${file}`;
  return [
    `DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 apt-get install -y --no-install-recommends ${POSTGRES_PACKAGE}`,
    `${install('644', 'conf.d/hms.conf')}   # listen_addresses = 'localhost', password_encryption = 'scram-sha-256'`,
    `${install('640', 'pg_hba.conf')}   # local postgres peer; each app's role on 127.0.0.1/32 and ::1/128`,
    `systemctl restart ${unit(example)}`,
    ...dbs.flatMap((db) => [
      `runuser -u postgres -- psql -X -v ON_ERROR_STOP=1 -d postgres <<'SQL'   # ${db.app}`,
      `CREATE ROLE ${db.role} ${ROLE_ATTRIBUTES} PASSWORD 'SCRAM-SHA-256$4096:...';`,
      `CREATE DATABASE ${db.database} OWNER ${db.role} ${DATABASE_OPTIONS};`,
      `REVOKE ALL ON DATABASE ${db.database} FROM PUBLIC;`,
      'SQL',
    ]),
  ];
}

export function databaseStep(input: ProvisionInput): Step {
  const dbs = appDatabases(input);
  return {
    id: 'postgresql',
    title: "PostgreSQL: each app's role and database",
    doc: {
      why: WHY,
      commands: commands(dbs),
      verify: [
        'ss -ltnp | grep 5432   # 127.0.0.1 and ::1 only',
        ...dbs.map((db) => `sudo -u postgres psql -c '\\l ${db.database}'   # owned by ${db.role}`),
        `psql "$DATABASE_URL" -c 'select 1'   # with the app's env file loaded`,
      ],
    },
    async check(host, note) {
      const dbs = local(input, note);
      if (dbs.length === 0) return [];
      const creates = dbs.flatMap((db) => databaseChanges(db, NO_STATE).map((change) => change.text));
      if (!(await packageInstalled(host, POSTGRES_PACKAGE)))
        return [INSTALL, `${POSTGRES_PACKAGE}: loopback only, scram-sha-256, pg_hba for the apps`, ...creates];
      const cluster = await readCluster(host);
      const changes = await diffFiles(host, clusterFiles(cluster, dbs));
      if (!cluster.online) return [...changes, `${unit(cluster)}: start`, 'roles and databases: checked once it runs'];
      const state = await readState(host, dbs);
      return [...changes, ...dbs.flatMap((db) => databaseChanges(db, state).map((change) => change.text))];
    },
    async apply(host, changes) {
      const dbs = local(input);
      if (changes.includes(INSTALL)) {
        await installPackage(host, POSTGRES_PACKAGE, 'Installing PostgreSQL');
      }
      // Converges to what check measured, read again: the install just made the cluster.
      const cluster = await readCluster(host);
      const files = clusterFiles(cluster, dbs);
      const written = await diffFiles(host, files);
      await writeFiles(host, files, written);
      const listen = written.some((change) => changedPath(change).endsWith('/conf.d/hms.conf'));
      const action = !cluster.online ? 'start' : listen ? 'restart' : written.length > 0 ? 'reload' : undefined;
      if (action) await host.must(['systemctl', action, unit(cluster)], `${action} ${unit(cluster)}`);
      const state = await readState(host, dbs);
      const todo = dbs.flatMap((db) => databaseChanges(db, state).map((change) => ({ change, db })));
      if (todo.length > 0) {
        const sql = todo.flatMap(({ change, db }) => change.sql(() => scramVerifier(db.password)));
        await runStatements(host, sql);
      }
      // EnvironmentFile is read when a unit starts: only a full restart gives puma the new DATABASE_URL.
      const rotated = new Set(todo.filter(({ change }) => change.kind === 'password').map(({ db }) => db.app));
      for (const app of rotated) await restartIfRunning(host, app);
    },
  };
}

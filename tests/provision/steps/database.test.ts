/**
 * The PostgreSQL step's plan: what it sends (argv, and SQL on stdin), what it decides on
 * a second run or after a rotation, and the names it refuses before anything runs.
 */
import { describe, expect, it } from 'vitest';
import { HmsError } from '../../../src/core/errors.js';
import type { ProvisionInput } from '../../../src/provision/input.js';
import { provisioningPlan } from '../../../src/provision/plan.js';
import { appDatabases, clusterFiles, databaseUrl, findCluster } from '../../../src/provision/postgres.js';
import { scramVerifier, verifierMatches } from '../../../src/provision/scram.js';
import { appEnvFiles } from '../../../src/provision/steps/secrets.js';
import { databaseStep } from '../../../src/provision/steps/database.js';
import { CIGAR, inputFor } from '../../support/provision-input.js';
import { postgresHost } from './postgres-host.js';

const PASSWORD = 'pw0with/and+and=and%and@';
const pg = (database: object = {}) => ({ ...CIGAR, database: { adapter: 'postgresql', ...database } });

async function inputWith(apps: Record<string, object>, passwords: Record<string, string> = {}): Promise<ProvisionInput> {
  const input = await inputFor(apps);
  Object.assign(input.secrets.database_passwords, passwords);
  return input;
}

describe('the SCRAM-SHA-256 verifier', () => {
  it('Given a password, When its verifier is made, Then it is in the form pg_authid keeps and matches that password only', () => {
    const verifier = scramVerifier(PASSWORD);
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    expect(verifier).not.toContain(PASSWORD);
    expect(verifierMatches(PASSWORD, verifier)).toBe(true);
    expect(verifierMatches(`${PASSWORD}x`, verifier)).toBe(false);
    expect(verifierMatches(PASSWORD, 'md5abcdef')).toBe(false);
    expect(verifierMatches(PASSWORD, '')).toBe(false);
    expect(scramVerifier(PASSWORD)).not.toBe(verifier);
  });
});

describe("an app's PostgreSQL names and URL", () => {
  it(
    'Given app cigar-shop, When its database is planned, ' +
      'Then role and database are cigar_shop and DATABASE_URL percent-encodes the password',
    async () => {
      const input = await inputWith({ 'cigar-shop': pg() }, { 'cigar-shop': PASSWORD });
      const [db] = appDatabases(input);
      expect(db).toMatchObject({ app: 'cigar-shop', role: 'cigar_shop', database: 'cigar_shop', host: '127.0.0.1' });
      expect(databaseUrl(db!)).toBe(`postgres://cigar_shop:${encodeURIComponent(PASSWORD)}@127.0.0.1:5432/cigar_shop`);
      expect(databaseUrl({ ...db!, host: '::1' })).toContain('@[::1]:5432/');
      // systemd's EnvironmentFile reads quotes and backslashes anywhere in a value: none is left in the URL.
      expect(databaseUrl({ ...db!, password: `it's "a" \\ (b)*!` })).toBe(
        'postgres://cigar_shop:it%27s%20%22a%22%20%5C%20%28b%29%2A%21@127.0.0.1:5432/cigar_shop',
      );
      const env = appEnvFiles(input)[0]!.content;
      expect(env).toContain(`DATABASE_URL=postgres://cigar_shop:${encodeURIComponent(PASSWORD)}@127.0.0.1:5432/cigar_shop\n`);
    },
  );

  it('Given a SQLite app, When the env file is rendered, Then it has no DATABASE_URL and the plan has no PostgreSQL step', async () => {
    const input = await inputWith({ cigar: CIGAR });
    expect(appEnvFiles(input)[0]!.content).not.toContain('DATABASE_URL');
    expect((await provisioningPlan(input)).map((step) => step.id)).not.toContain('postgresql');
    const withPg = (await provisioningPlan(await inputWith({ cigar: pg() }))).map((step) => step.id);
    expect(withPg.indexOf('postgresql')).toBe(withPg.indexOf('app-secrets') + 1);
  });

  it.each([
    [{ user: 'postgres' }, /role name "postgres" belongs to PostgreSQL/],
    [{ user: 'pg_read_all_data' }, /role name "pg_read_all_data" belongs to PostgreSQL/],
    [{ user: 'public' }, /role name "public" belongs to PostgreSQL/],
    [{ name: 'template1' }, /database name "template1" belongs to PostgreSQL/],
    [{ name: 'x"; DROP DATABASE postgres; --' }, /database name .* is not a lowercase identifier/],
    [{ user: "a'b" }, /role name "a'b" is not a lowercase identifier/],
  ])('Given the hostile or reserved name %j, When the plan is made, Then it is refused before anything runs', async (database, message) => {
    // The config schema refuses most of these already; the step checks again what reaches SQL.
    const input = await inputWith({ cigar: pg() });
    Object.assign(input.apps[0]![1].database, database);
    expect(() => appDatabases(input)).toThrow(message);
    await expect(provisioningPlan(input)).rejects.toBeInstanceOf(HmsError);
  });

  it('Given two apps with one role, When planned, Then the second is refused: each app needs its own', async () => {
    const input = await inputWith({ cigar: pg({ user: 'web' }), tobacco: pg({ user: 'web' }) });
    expect(() => appDatabases(input)).toThrow(/role "web" is apps\.cigar's too/);
  });

  it('Given a password with a newline, When planned, Then it is refused with how to rotate it', async () => {
    const input = await inputWith({ cigar: pg() }, { cigar: 'line\nbreak' });
    expect(() => appDatabases(input)).toThrow(/hms secrets init --rotate database_passwords\.cigar|not printable ASCII/);
  });
});

describe('the server configuration', () => {
  it("Given Debian's cluster list, When read, Then the cluster on port 5432 is taken", () => {
    expect(findCluster('13 old 5433 down postgres /a /b\n15  main    5432 online postgres /c /d\n')).toEqual({
      version: '15',
      name: 'main',
      port: 5432,
      online: true,
    });
    expect(findCluster('')).toBeUndefined();
  });

  it(
    'Given a local and a remote app, When the files are rendered, ' +
      'Then loopback only, scram, postgres peer, and pg_hba lines for the local role only',
    async () => {
      const input = await inputWith({ cigar: pg(), tobacco: pg({ host: 'db.internal' }) });
      const [conf, hba] = clusterFiles({ version: '15', name: 'main' }, appDatabases(input).slice(0, 1));
      expect(conf).toMatchObject({ path: '/etc/postgresql/15/main/conf.d/hms.conf', owner: 'postgres', mode: 0o644 });
      expect(conf!.content).toMatch(/^listen_addresses = 'localhost'$/m);
      expect(conf!.content).toMatch(/^password_encryption = 'scram-sha-256'$/m);
      expect(hba).toMatchObject({ path: '/etc/postgresql/15/main/pg_hba.conf', mode: 0o640 });
      const rules = hba!.content.split('\n').filter((line) => line && !line.startsWith('#'));
      expect(rules.map((line) => line.split(/\s+/))).toEqual([
        ['local', 'all', 'postgres', 'peer'],
        ['host', 'cigar', 'cigar', '127.0.0.1/32', 'scram-sha-256'],
        ['host', 'cigar', 'cigar', '::1/128', 'scram-sha-256'],
      ]);
    },
  );
});

describe('the PostgreSQL step', () => {
  it(
    'Given a server without PostgreSQL, When the step applies, ' +
      'Then it installs, configures, and creates role and database with a verifier on stdin, the password nowhere',
    async () => {
      const input = await inputWith({ cigar: pg() }, { cigar: PASSWORD });
      const host = postgresHost();
      const step = databaseStep(input);
      const changes = await step.check(host);
      expect(changes).toEqual([
        "postgresql: install (Debian's server)",
        'postgresql: loopback only, scram-sha-256, pg_hba for the apps',
        'role cigar: create (login; no superuser, createdb or createrole)',
        'database cigar: create, owned by cigar',
      ]);
      await step.apply(host, changes);
      const argvs = host.commands.map((c) => c.argv.join(' '));
      expect(argvs).toContain('env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 apt-get install -y -q --no-install-recommends postgresql');
      expect(argvs).toContain('systemctl restart postgresql@15-main.service');
      const sql = host.commands.filter((c) => c.argv[0] === 'runuser').map((c) => c.input!);
      expect(sql.at(-1)).toMatch(
        /^CREATE ROLE "cigar" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD 'SCRAM-SHA-256\$4096:/,
      );
      expect(sql.at(-1)).toContain(`CREATE DATABASE "cigar" OWNER "cigar" TEMPLATE template0 ENCODING 'UTF8'`);
      expect(verifierMatches(PASSWORD, host.roles.get('cigar')!.verifier)).toBe(true);
      for (const command of host.commands) {
        expect(command.argv.join(' ')).not.toContain(PASSWORD);
        expect(command.input ?? '').not.toContain(PASSWORD);
        expect(command.input ?? '').not.toContain(encodeURIComponent(PASSWORD));
      }
      expect(await step.check(host)).toEqual([]);
    },
  );

  it(
    'Given a provisioned server and a rotated password, When the step runs, ' +
      'Then only the password changes and the running app restarts; a stopped one stays stopped',
    async () => {
      const host = postgresHost();
      await databaseStep(await inputWith({ cigar: pg(), tobacco: pg() })).apply(host, ["postgresql: install (Debian's server)"]);
      host.active.add('cigar.service');
      const rotated = await inputWith({ cigar: pg(), tobacco: pg() }, { cigar: 'rotated', tobacco: 'rotated-too' });
      host.commands.length = 0;
      const step = databaseStep(rotated);
      const changes = await step.check(host);
      expect(changes).toEqual([
        'role cigar: password (database_passwords.cigar differs; cigar restarts if it runs)',
        'role tobacco: password (database_passwords.tobacco differs; tobacco restarts if it runs)',
      ]);
      await step.apply(host, changes);
      const argvs = host.commands.map((c) => c.argv.join(' '));
      expect(argvs.filter((a) => a.startsWith('systemctl restart'))).toEqual(['systemctl restart -- cigar.service']);
      expect(argvs.some((a) => a.includes('apt-get'))).toBe(false);
      expect(host.commands.find((c) => c.input?.startsWith('ALTER ROLE "cigar" PASSWORD'))).toBeDefined();
      expect(await step.check(host)).toEqual([]);
    },
  );

  it('Given a role made superuser and a database owned by someone else, When checked, Then both are reported and put back', async () => {
    const input = await inputWith({ cigar: pg() });
    const host = postgresHost();
    const step = databaseStep(input);
    await step.apply(host, ["postgresql: install (Debian's server)"]);
    host.roles.get('cigar')!.superuser = true;
    host.databases.set('cigar', 'alice');
    const changes = await step.check(host);
    expect(changes).toEqual(['role cigar: attributes superuser -> login only', 'database cigar: owner alice -> cigar']);
    await step.apply(host, changes);
    expect(await step.check(host)).toEqual([]);
  });

  it('Given psql refusing a statement, When the step applies, Then the error says why with the verifier masked', async () => {
    const host = postgresHost();
    host.sqlError = 'permission denied to create role';
    const failure = await databaseStep(await inputWith({ cigar: pg() }))
      .apply(host, ["postgresql: install (Debian's server)"])
      .catch((error: Error) => error);
    expect((failure as Error).message).toMatch(/permission denied to create role/);
    expect((failure as Error).message).toContain("PASSWORD 'SCRAM-SHA-256$***'");
    expect((failure as Error).message).not.toMatch(/SCRAM-SHA-256\$4096/);
    expect((failure as Error).cause).toBeUndefined();
  });

  it('Given an app whose database is on another host, When checked, Then nothing is planned here and a note says so', async () => {
    const notes: string[] = [];
    const changes = await databaseStep(await inputWith({ cigar: pg({ host: '10.0.0.5' }) })).check(postgresHost(), (n) => notes.push(n));
    expect(changes).toEqual([]);
    expect(notes).toEqual(['apps.cigar.database.host is 10.0.0.5: its role and database are not provisioned on test.']);
  });
});

/**
 * PostgreSQL per app on a bare server, through `hms provision` as a user runs it: the
 * server listens on loopback only, the app's role logs in over 127.0.0.1 with its
 * password (scram) and nothing else does, it owns its database, the env file carries
 * DATABASE_URL; a second run changes nothing; a rotated password replaces the old one
 * and the running app is restarted with the new environment. Secret values are compared
 * inside the test, never printed: assertions on them are booleans.
 */
import { describe, expect, it } from 'vitest';
import { testServerSupport } from '../support/test-server.js';
import { postgresLaptop } from './postgres-laptop.js';

const support = testServerSupport();
const STEP = /^\[\s*\d+\/(\d+)\] (\S) PostgreSQL: each app's role and database\s+.*?(\d+\.\d) s$/m;

describe.skipIf(!support.ok)('PostgreSQL per app', { timeout: 900_000 }, () => {
  const laptop = postgresLaptop('hms-database-');
  const { hms } = laptop;
  const password = async (): Promise<string> => (await laptop.secrets()).database_passwords.cigar!;
  /** A login as `role` over 127.0.0.1; the password goes in on stdin, never in argv. */
  const login = (secret: string, role = 'cigar', database = 'cigar') =>
    laptop.server.exec(
      [
        'sh',
        '-c',
        'IFS= read -r PGPASSWORD; export PGPASSWORD; exec psql -X -w -h 127.0.0.1 -U "$1" -d "$2" -tAc "select current_user"',
        'login',
        role,
        database,
      ],
      { input: `${secret}\n` },
    );
  const asPostgres = (sql: string) => laptop.server.exec(['runuser', '-u', 'postgres', '--', 'psql', '-X', '-tA', '-F', '|', '-c', sql]);
  const envFile = async () => (await laptop.server.exec(['cat', '/etc/hosting-api/env/cigar.env'])).stdout;
  const expectedUrl = async () => `DATABASE_URL=postgres://cigar:${encodeURIComponent(await password())}@127.0.0.1:5432/cigar`;
  const stepOf = (stderr: string) => {
    const match = STEP.exec(stderr);
    expect(match, stderr).not.toBeNull();
    return { mark: match![2], seconds: Number(match![3]) };
  };

  it(
    'Given an app declaring PostgreSQL, When `hms provision` runs on a bare server, ' +
      'Then its role logs in over loopback with its password only, owns its database, and the env file has DATABASE_URL',
    async () => {
      const started = Date.now();
      const run = await hms(['provision', 'test']);
      console.log(`[database] provision of a bare server: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(run.code, run.stderr).toBe(0);
      const step = stepOf(run.stderr);
      console.log(`[database] PostgreSQL step, first run (install included): ${step.seconds} s`);
      expect(step.mark).toBe('●');
      const secret = await password();
      for (const output of [run.stdout, run.stderr]) expect(output.includes(secret)).toBe(false);

      const listening = (await laptop.server.exec(['ss', '-ltnpH'])).stdout.split('\n').filter((line) => line.includes('postgres'));
      expect(listening.length).toBeGreaterThan(0);
      for (const line of listening) expect(line.split(/\s+/)[3]).toMatch(/^(127\.0\.0\.1|\[::1\]):5432$/);

      expect((await login(secret)).stdout.trim()).toBe('cigar');
      const wrong = await login(`${secret}x`);
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(/password authentication failed for user "cigar"/);
      // pg_hba lets the role into its own database only.
      expect((await login(secret, 'cigar', 'postgres')).stderr).toMatch(/no pg_hba\.conf entry/);

      expect((await asPostgres('show password_encryption')).stdout.trim()).toBe('scram-sha-256');
      expect(
        (
          await asPostgres(
            "select rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, left(rolpassword, 14) from pg_authid where rolname = 'cigar'",
          )
        ).stdout.trim(),
      ).toBe('t|f|f|f|SCRAM-SHA-256$');
      expect(
        (
          await asPostgres("select pg_get_userbyid(datdba), pg_encoding_to_char(encoding) from pg_database where datname = 'cigar'")
        ).stdout.trim(),
      ).toBe('cigar|UTF8');
      expect((await asPostgres("select count(*) from pg_roles where rolname = 'tobacco'")).stdout.trim()).toBe('0');

      const env = await envFile();
      expect(env.split('\n').includes(await expectedUrl())).toBe(true);
      expect((await laptop.server.exec(['stat', '-c', '%a %U', '/etc/hosting-api/env/cigar.env'])).stdout.trim()).toBe('600 root');
      expect((await laptop.server.exec(['cat', '/etc/hosting-api/env/tobacco.env'])).stdout.includes('DATABASE_URL')).toBe(false);
    },
  );

  it(
    'Given a provisioned server, When `hms provision` runs again, ' + 'Then the PostgreSQL step is up to date and nothing changes',
    async () => {
      const run = await hms(['provision', 'test']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/every step up to date; nothing changed/);
      const step = stepOf(run.stderr);
      console.log(`[database] PostgreSQL step, second run: ${step.seconds} s`);
      expect(step.mark).toBe('✓');
    },
  );

  it(
    'Given a running app, When its database password is rotated and `hms provision` runs, ' +
      'Then the old password is refused, the new one works, and the app runs with the new DATABASE_URL',
    async () => {
      // A stand-in web process (the real app comes with issue 14's sample app): it only has to run under the app's unit.
      await laptop.server.exec(['install', '-d', '-o', 'deploy', '-g', 'deploy', '/var/www/cigar/current']);
      await laptop.server.exec(['sh', '-c', 'printf "/bin/sleep\\ninfinity\\n" > /var/www/cigar/shared/config/web-command']);
      expect((await laptop.server.exec(['systemctl', 'start', 'cigar.service'])).code).toBe(0);
      const pidOf = async () => (await laptop.server.exec(['systemctl', 'show', '-P', 'MainPID', 'cigar.service'])).stdout.trim();
      const before = await pidOf();
      const old = await password();

      const rotate = await hms(['secrets', 'init', '--rotate', 'database_passwords.cigar']);
      expect(rotate.code, rotate.stderr).toBe(0);
      const fresh = await password();
      expect(fresh === old).toBe(false);
      const run = await hms(['provision', 'test']);
      expect(run.code, run.stderr).toBe(0);
      expect(stepOf(run.stderr).mark).toBe('●');
      expect(run.stderr).toMatch(/role cigar: password \(database_passwords\.cigar differs; cigar restarts if it runs\)/);
      for (const output of [run.stdout, run.stderr]) expect(output.includes(fresh) || output.includes(old)).toBe(false);

      expect((await login(old)).stderr).toMatch(/password authentication failed/);
      expect((await login(fresh)).stdout.trim()).toBe('cigar');
      const url = await expectedUrl();
      expect((await envFile()).split('\n').includes(url)).toBe(true);

      const after = await pidOf();
      expect(after).not.toBe(before);
      expect((await laptop.server.exec(['systemctl', 'is-active', 'cigar.service'])).stdout.trim()).toBe('active');
      const environ = (await laptop.server.exec(['cat', `/proc/${after}/environ`])).stdout.split('\0');
      expect(environ.includes(url)).toBe(true);

      const again = await hms(['provision', 'test']);
      expect(again.stdout).toMatch(/every step up to date; nothing changed/);
    },
  );
});

import { chmod, copyFile, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runHms } from '../support/run-hms.js';

let dir: string;
const secretsFile = (): string => path.join(dir, '.secrets.json');
const readSecrets = async (): Promise<Record<string, Record<string, unknown>>> => JSON.parse(await readFile(secretsFile(), 'utf8'));

/** Every string value in the secrets file: none may ever be printed. */
function secretValues(secrets: Record<string, Record<string, unknown>>): string[] {
  return Object.values(secrets)
    .flatMap((section) => Object.values(section))
    .filter((v): v is string => typeof v === 'string' && v.length >= 16);
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-secrets-'));
  await copyFile(path.resolve('hms.config.example.json'), path.join(dir, 'hms.config.json'));
});

describe('hms secrets init', () => {
  it('Given a configuration, When init runs, Then a 0600 file holds 32+ random bytes per value and none is printed', async () => {
    const run = await runHms(['secrets', 'init'], { cwd: dir });
    expect(run.code).toBe(0);
    expect((await stat(secretsFile())).mode & 0o777).toBe(0o600);
    const secrets = await readSecrets();
    expect(Object.keys(secrets.database_passwords!)).toEqual(['cigar', 'tobacco']);
    expect(Object.keys(secrets.secret_key_bases!)).toEqual(['cigar', 'tobacco']);
    expect(secrets.hosting_management).toMatchObject({ admin_username: 'admin' });
    for (const key of ['admin_password', 'jwt_secret', 'api_token']) {
      expect(Buffer.from(secrets.hosting_management![key] as string, 'base64url').length).toBeGreaterThanOrEqual(32);
    }
    expect((secrets.secret_key_bases!.cigar as string).length).toBe(128);
    expect(secrets.ssl_config!.hosting).toEqual({
      domain: 'hosting.remoteds.us',
      cert_path: '/etc/nginx/ssl/hosting.remoteds.us/hosting.remoteds.us.crt',
      key_path: '/etc/nginx/ssl/hosting.remoteds.us/hosting.remoteds.us.key',
    });
    expect(secrets.ssl_config!.cigar).toMatchObject({ domain: 'cigar.remoteds.us' });
    const printed = run.stdout + run.stderr;
    for (const value of secretValues(secrets)) expect(printed).not.toContain(value);
    expect(run.stdout).toContain('added:');
  });

  it('Given an existing file, When init runs again, Then every value is kept and only missing keys are added', async () => {
    await runHms(['secrets', 'init'], { cwd: dir });
    const first = await readSecrets();
    delete first.database_passwords!.tobacco;
    first.database_passwords!.cigar = 'kept-by-hand-0123456789abcdef0123456789';
    await writeFile(secretsFile(), JSON.stringify(first), { mode: 0o600 });

    const run = await runHms(['secrets', 'init', '--json'], { cwd: dir });
    const report = JSON.parse(run.stdout);
    expect(report.added).toEqual(['database_passwords.tobacco']);
    const second = await readSecrets();
    expect(second.database_passwords!.cigar).toBe('kept-by-hand-0123456789abcdef0123456789');
    expect(second.hosting_management!.api_token).toBe(first.hosting_management!.api_token);

    const third = await runHms(['secrets', 'init'], { cwd: dir });
    expect(third.stdout).toMatch(/already has every key; nothing changed/);
  });

  it('Given --rotate KEY, When init runs, Then only that value changes', async () => {
    await runHms(['secrets', 'init'], { cwd: dir });
    const before = await readSecrets();
    const run = await runHms(['secrets', 'init', '--rotate', 'hosting_management.api_token'], { cwd: dir });
    expect(run.code).toBe(0);
    const after = await readSecrets();
    expect(after.hosting_management!.api_token).not.toBe(before.hosting_management!.api_token);
    expect(after.hosting_management!.jwt_secret).toBe(before.hosting_management!.jwt_secret);
    expect(after.database_passwords).toEqual(before.database_passwords);
    expect(run.stdout + run.stderr).not.toContain(after.hosting_management!.api_token as string);
  });

  it('Given --rotate of an unknown key, When init runs, Then it is a usage error listing the keys', async () => {
    const run = await runHms(['secrets', 'init', '--rotate', 'ssl_config.hosting'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Rotatable keys: .*hosting_management\.api_token/);
  });

  it('Given a group-readable file, When init runs, Then it refuses with the chmod fix and changes nothing', async () => {
    await runHms(['secrets', 'init'], { cwd: dir });
    await chmod(secretsFile(), 0o644);
    const before = await readFile(secretsFile(), 'utf8');
    const run = await runHms(['secrets', 'init', '--rotate', 'hosting_management.jwt_secret'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`chmod 600 ${secretsFile()}`);
    expect(await readFile(secretsFile(), 'utf8')).toBe(before);
  });

  it('Given --secrets PATH, When init runs, Then the file is written there', async () => {
    const other = path.join(dir, 'elsewhere.json');
    expect((await runHms(['secrets', 'init', '--secrets', other], { cwd: dir })).code).toBe(0);
    expect((await stat(other)).mode & 0o777).toBe(0o600);
  });
});

describe('hms secrets check', () => {
  it(
    'Given the old system placeholders, a missing key and mode 644, ' +
      'When checked, Then each is reported with its fix and no value is shown',
    async () => {
      const secrets = {
        database_passwords: { cigar: 'x7Yq2Lp9Rt5Vw3Zk8Mn4Bc6Df1Gh0Js2Ka9Lm3Np5Q' },
        secret_key_bases: { cigar: 'a'.repeat(128), tobacco: 'b'.repeat(128) },
        hosting_management: {
          admin_username: 'admin',
          admin_password: 'secure_password_here',
          jwt_secret: 'jwt_secret_key_here',
          api_token: 'short',
        },
        ssl_config: {},
      };
      await writeFile(secretsFile(), JSON.stringify(secrets), { mode: 0o644 });
      await chmod(secretsFile(), 0o644);
      const run = await runHms(['secrets', 'check'], { cwd: dir });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('readable by group or others');
      expect(run.stdout).toContain('database_passwords.tobacco: missing');
      expect(run.stdout).toContain('hosting_management.admin_password: placeholder');
      expect(run.stdout).toContain('hosting_management.jwt_secret: placeholder');
      expect(run.stdout).toContain('hosting_management.api_token: weak');
      expect(run.stdout).toContain(`chmod 600 ${secretsFile()}`);
      expect(run.stdout).toContain('hms secrets init --rotate hosting_management.admin_password');
      expect(run.stdout).not.toContain('secure_password_here');
      expect(run.stdout).not.toContain('x7Yq2Lp9');
    },
  );

  it('Given a complete private file, When checked, Then it passes with exit 0', async () => {
    await runHms(['secrets', 'init'], { cwd: dir });
    const run = await runHms(['secrets', 'check', '--json'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, mode: '600', problems: [] });
  });

  it('Given a secrets file with broken JSON, When checked, Then the error does not quote its content', async () => {
    await writeFile(secretsFile(), '{"hosting_management": {"api_token": "TOPSECRETVALUE123" ', { mode: 0o600 });
    const run = await runHms(['secrets', 'check'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not valid JSON/);
    expect(run.stdout + run.stderr).not.toContain('TOPSECRETVALUE123');
  });

  it('Given no file, When checked, Then it says to run init', async () => {
    const run = await runHms(['secrets', 'check'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/No secrets file.*\n.*\n\s+hms secrets init/);
  });
});

describe('hms basics', () => {
  it('Given --version and --help, When run, Then they print and exit 0', async () => {
    const version = await runHms(['--version'], { cwd: dir });
    expect(version).toMatchObject({ code: 0 });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await runHms(['--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('hms secrets init');
  });

  it('Given an unknown command, When run, Then exit 2 with the list of commands', async () => {
    const run = await runHms(['frobnicate'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown command "frobnicate"/);
  });

  it('Given a broken configuration, When a command loads it, Then the error names file and key path', async () => {
    await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify({ servers: { prod: { host: 'h', agentPort: 'x' } } }));
    const run = await runHms(['secrets', 'check'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('hms.config.json: servers.prod.agentPort: expected number, received string');
  });
});

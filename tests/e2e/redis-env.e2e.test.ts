/**
 * Redis and settings through `hms` as a user gets there, on one bare server: cigar
 * declares Redis and settings (one with every character systemd's EnvironmentFile
 * treats specially), `hms secrets init` makes the Redis password, `hms full-deploy` and
 * `hms deploy cigar` bring it up from a git host. Redis listens on loopback only and asks
 * for the password; the app reaches it through REDIS_URL; `hms env` masks secrets and
 * says what differs; a changed setting is applied by `hms provision`, which restarts
 * cigar while a client loop counts failed requests; a second run changes nothing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testServerSupport } from '../support/test-server.js';
import { postgresLaptop } from './postgres-laptop.js';
import { clientLoop, siteRequest } from './site-client.js';

const support = testServerSupport();
const SITE = 'http://cigar.test';
/** Quotes, a backslash, `$`, `#`, `;`, `%`, blanks inside and at both ends, and non-ASCII. */
const TRICKY = ` a "b" 'c' \\d $HOME \${E} #f ;g %h  ünï `;
const TOKEN = 'tok-3f9a1c77e2b54d0e8f1a';
const WORKER = 'cigar-worker.service';
/**
 * apps.cigar.processes.worker's unit as the workers' own provisioning writes it (its env file, the deploy user),
 * made here only where this tree's provisioning has not made one: this suite checks the restart, not the unit.
 */
const WORKER_UNIT = [
  '[Service]',
  'User=deploy',
  'EnvironmentFile=-/etc/hosting-api/env/cigar.env',
  'ExecStart=/bin/sleep infinity',
  '',
].join('\n');

interface EnvRow {
  name: string;
  source: string;
  value: string;
  state: string;
}

describe.skipIf(!support.ok)('Redis and settings for an app', { timeout: 600_000 }, () => {
  const laptop = postgresLaptop('hms-redis-env-', { deployable: true });
  const { hms } = laptop;
  const configFile = () => path.join(laptop.dir, 'hms.config.json');
  const secretsFile = () => path.join(laptop.dir, '.secrets.json');
  const editJson = async (file: string, edit: (value: Record<string, any>) => void) => {
    const value = JSON.parse(await readFile(file, 'utf8'));
    edit(value);
    await writeFile(file, JSON.stringify(value, null, 2));
  };
  const redisPassword = async () => JSON.parse(await readFile(secretsFile(), 'utf8')).redis_passwords.test as string;
  const redisCli = (password: string | undefined, ...command: string[]) =>
    laptop.server.exec(
      [
        'sh',
        '-c',
        `${password === undefined ? '' : 'IFS= read -r REDISCLI_AUTH; export REDISCLI_AUTH; '}exec redis-cli "$@"`,
        'cli',
        ...command,
      ],
      { input: password === undefined ? '' : `${password}\n` },
    );
  const mainPid = async (unit: string) => (await laptop.server.exec(['systemctl', 'show', '-P', 'MainPID', unit])).stdout.trim();
  /** The environment a unit's process got from systemd itself (puma's by default), read from /proc as root. */
  const pumaEnv = async (unit = 'cigar.service'): Promise<Record<string, string>> => {
    const pid = await mainPid(unit);
    const environ = await laptop.server.exec(['sh', '-c', 'tr "\\0" "\\n" < /proc/$1/environ', 'env', pid]);
    return Object.fromEntries(
      environ.stdout.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  };
  const startWorker = async () => {
    const path = `/etc/systemd/system/${WORKER}`;
    if ((await laptop.server.exec(['test', '-e', path])).code !== 0) {
      await laptop.server.exec(['sh', '-c', 'cat > "$1" && systemctl daemon-reload', 'unit', path], { input: WORKER_UNIT });
    }
    expect((await laptop.server.exec(['systemctl', 'start', WORKER])).code).toBe(0);
  };
  const printenv = async (name: string) => {
    const run = await hms(['exec', 'cigar', '--', 'printenv', name]);
    expect(run.code, run.stderr).toBe(0);
    return run.stdout.replace(/\n$/, '');
  };
  const envRows = async (): Promise<EnvRow[]> => {
    const run = await hms(['env', 'cigar', '--json']);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout).rows as EnvRow[];
  };

  it(
    'Given cigar declares Redis and settings, When provisioning runs before `hms secrets init`, Then it refuses naming the missing ' +
      'password; after it, `hms full-deploy` and `hms deploy cigar` bring Redis and the app up',
    async () => {
      await editJson(configFile(), (config) => {
        config.apps.cigar.redis = true;
        // With REDIS_URL in its env the sample app's bundle has Sidekiq (Debian's ruby-sidekiq).
        config.servers.test.packages = [...config.servers.test.packages, 'ruby-sidekiq'];
        config.apps.cigar.env = { GREETING: 'hello', TRICKY };
        config.apps.cigar.processes = { worker: ['sleep', 'infinity'] };
      });
      const refused = await hms(['provision', 'test', '--dry-run']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/redis_passwords\.test/);
      expect(refused.stderr).toMatch(/hms secrets init/);
      const init = await hms(['secrets', 'init', '--json']);
      expect(init.code, init.stderr).toBe(0);
      expect(JSON.parse(init.stdout).added).toEqual(['redis_passwords.test']);
      await editJson(secretsFile(), (secrets) => {
        secrets.app_env = { cigar: { API_TOKEN: TOKEN } };
      });
      const started = Date.now();
      const full = await hms(['full-deploy', 'test']);
      expect(full.code, full.stderr + full.stdout).toBe(0);
      const deploy = await hms(['deploy', 'cigar']);
      expect(deploy.code, deploy.stderr + deploy.stdout.slice(-3000)).toBe(0);
      const redisStep = /Redis: loopback only, with a password.*?([\d.]+ s)$/m.exec(full.stderr)?.[1];
      console.log(`[redis-env] full-deploy + deploy: ${((Date.now() - started) / 1000).toFixed(1)} s; the Redis step: ${redisStep}`);
      const password = await redisPassword();
      for (const text of [full.stdout, full.stderr, deploy.stdout, deploy.stderr]) {
        expect(text).not.toContain(password);
        expect(text).not.toContain(TOKEN);
      }
    },
  );

  it('Given Redis provisioned, When clients connect, Then it listens on loopback only and answers only with the password', async () => {
    const listening = await laptop.server.exec(['ss', '-Hltn', 'sport = :6379']);
    const addresses = listening.stdout
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[3]);
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(address).toMatch(/^(127\.0\.0\.1|\[::1\]):6379$/);
    expect((await redisCli(undefined, 'ping')).stdout).toMatch(/NOAUTH/);
    const wrong = await redisCli('not-the-password-at-all', 'ping');
    expect(wrong.stdout + wrong.stderr).toMatch(/WRONGPASS|NOAUTH/);
    expect(wrong.stdout).not.toMatch(/PONG/);
    expect((await redisCli(await redisPassword(), 'ping')).stdout.trim()).toBe('PONG');
    const modes = await laptop.server.exec(['stat', '-c', '%a %U %G %n', '/etc/redis/hms-auth.conf', '/etc/redis/hms.conf']);
    expect(modes.stdout).toMatch(/^640 root redis \/etc\/redis\/hms-auth\.conf$/m);
    expect((await laptop.server.exec(['sh', '-c', 'ps -eo args'])).stdout).not.toContain(await redisPassword());
  });

  it('Given cigar deployed, When its processes read their env, Then REDIS_URL reaches Redis and every setting is verbatim', async () => {
    const answer = await siteRequest(laptop.server.host, `${SITE}/redis`);
    expect(answer.status, answer.body).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ connected: true, auth: '+OK', db: 0 });
    const url = await printenv('REDIS_URL');
    expect(url).toBe(`redis://:${encodeURIComponent(await redisPassword())}@127.0.0.1:6379/0`);
    const puma = await pumaEnv();
    expect(puma.TRICKY).toBe(TRICKY);
    expect(puma.GREETING).toBe('hello');
    expect(puma.API_TOKEN).toBe(TOKEN);
    expect(puma.REDIS_URL).toBe(url);
    expect(await printenv('TRICKY')).toBe(TRICKY);
  });

  it(
    'Given the server as provisioned, ' + 'When `hms env cigar` runs, Then every variable is "same", plain values shown, secrets masked',
    async () => {
      const rows = await envRows();
      expect(rows.map((row) => row.state)).toEqual(rows.map(() => 'same'));
      expect(rows.find((row) => row.name === 'GREETING')).toMatchObject({ source: 'config', value: 'hello' });
      expect(rows.find((row) => row.name === 'TRICKY')).toMatchObject({ source: 'config', value: TRICKY });
      for (const name of ['API_TOKEN', 'REDIS_URL', 'SECRET_KEY_BASE', 'DATABASE_URL'])
        expect(rows.find((r) => r.name === name)?.value).toBe('••••');
      const human = await hms(['env', 'cigar']);
      expect(human.code, human.stderr).toBe(0);
      expect(human.stdout).toMatch(/API_TOKEN\s+secret \(app_env\.cigar\)\s+••••\s+same/);
      expect(human.stdout).not.toContain(TOKEN);
      expect(human.stdout).not.toContain(await redisPassword());
    },
  );

  it(
    'Given a changed setting, When `hms env` and then `hms provision` run while a client asks, Then it shows "differs", ' +
      'provisioning restarts cigar, the new value reaches it, and a second run changes nothing',
    async () => {
      await editJson(configFile(), (config) => {
        config.apps.cigar.env.GREETING = 'bonjour';
      });
      const rows = await envRows();
      expect(rows.find((row) => row.name === 'GREETING')).toMatchObject({ value: 'bonjour', state: 'differs' });
      expect(rows.filter((row) => row.state !== 'same').map((row) => row.name)).toEqual(['GREETING']);
      expect((await hms(['env', 'cigar'])).stdout).toMatch(/hms provision test` to apply; it restarts cigar's processes/);

      const dry = await hms(['provision', 'test', '--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stderr).toMatch(/\+GREETING=bonjour/);
      expect(dry.stderr).toMatch(/cigar\.service: restart/);
      expect(dry.stderr).not.toContain(TOKEN);

      await startWorker();
      const pidBefore = await mainPid('cigar.service');
      const workerBefore = await mainPid(WORKER);
      const loop = clientLoop(laptop.server.host, `${SITE}/up`);
      const run = await hms(['provision', 'test', '--json']);
      const answers = await loop.stop();
      expect(run.code, run.stderr).toBe(0);
      const steps = JSON.parse(run.stdout).steps as Array<{ id: string; status: string; changes: string[]; ms: number }>;
      const restart = steps.find((step) => step.id === 'restart-apps')!;
      expect(restart.status).toBe('changed');
      // The web unit first, then the worker; each restarted only because it ran.
      expect(restart.changes).toEqual([
        expect.stringMatching(/^cigar\.service: restart /),
        expect.stringMatching(/^cigar-worker\.service: try-restart /),
      ]);
      expect(steps.filter((step) => step.status === 'changed').map((step) => step.id)).toEqual(['app-secrets', 'restart-apps']);
      const failed = answers.filter((answer) => answer.status !== 200);
      console.log(
        `[redis-env] restart ${restart.ms} ms: ${answers.length} requests during provisioning, ${failed.length} failed` +
          (failed.length > 0 ? ` (${[...new Set(failed.map((a) => a.status))].join(', ')})` : ''),
      );
      expect(failed).toEqual([]);
      expect(await mainPid('cigar.service')).not.toBe(pidBefore);
      expect(await mainPid(WORKER)).not.toBe(workerBefore);
      expect((await pumaEnv(WORKER)).GREETING).toBe('bonjour');
      expect(await printenv('GREETING')).toBe('bonjour');
      expect((await pumaEnv()).GREETING).toBe('bonjour');
      expect((await envRows()).every((row) => row.state === 'same')).toBe(true);

      const again = await hms(['provision', 'test']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/every step up to date; nothing changed/);
    },
  );

  it(
    'Given a run that wrote the env file and stopped before its restarts (the file newer than the units), ' +
      'When `hms provision` runs again, Then it restarts them, and once only',
    async () => {
      expect((await laptop.server.exec(['touch', '/etc/hosting-api/env/cigar.env'])).code).toBe(0);
      const run = await hms(['provision', 'test', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const steps = JSON.parse(run.stdout).steps as Array<{ id: string; status: string; changes: string[] }>;
      expect(steps.filter((step) => step.status === 'changed').map((step) => step.id)).toEqual(['restart-apps']);
      expect(steps.find((step) => step.id === 'restart-apps')!.changes).toHaveLength(2);
      expect((await hms(['provision', 'test'])).stdout).toMatch(/every step up to date; nothing changed/);
    },
  );
});

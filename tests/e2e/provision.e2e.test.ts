/**
 * Destroy and rebuild: `hms full-deploy` on a bare Debian 12 server (minbase + sshd,
 * the disposable test server), a second run that changes nothing, a new bare server
 * provisioned to identical files, and a failed step that leaves services running.
 */
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appsResponseSchema } from '../../src/api/apps.js';
import { loadConfig } from '../../src/config/load.js';
import { gatherInput } from '../../src/provision/gather.js';
import { provisioningPlan } from '../../src/provision/plan.js';
import { agentConfigFiles } from '../../src/provision/steps/agent-config.js';
import { appEnvFiles } from '../../src/provision/steps/secrets.js';
import { exec } from '../../src/platform/exec.js';
import { runHms } from '../support/run-hms.js';
import { startSshAgent } from '../support/ssh-agent.js';
import { startTestServer, testServerSupport, type TestServer } from '../support/test-server.js';
import { laptopFor } from './provision-laptop.js';
import { waitFor } from '../support/wait-for.js';

const support = testServerSupport();

/** What provisioning wrote, by path -> sha256, read inside the container. */
async function checksums(server: TestServer, paths: string[]): Promise<Record<string, string>> {
  const result = await server.exec(['sha256sum', '--', ...paths]);
  return Object.fromEntries(
    result.stdout
      .trim()
      .split('\n')
      .map((line) => [line.slice(66), line.slice(0, 64)]),
  );
}

/** Changes the laptop's hms.config.json for the length of `body`, then puts it back. */
async function withConfig(dir: string, change: (config: any) => void, body: () => Promise<void>): Promise<void> {
  const file = path.join(dir, 'hms.config.json');
  const original = await readFile(file, 'utf8');
  const config = JSON.parse(original);
  change(config);
  await writeFile(file, JSON.stringify(config, null, 2));
  try {
    await body();
  } finally {
    await writeFile(file, original);
  }
}

/** What a deploy needs from provisioning: agent.json with the app's repo, branch and shared files, and shared/ filled. */
async function expectAppFiles(server: TestServer): Promise<void> {
  const agent = JSON.parse((await server.exec(['cat', '/etc/hosting-api/agent.json'])).stdout);
  expect(agent.apps.cigar).toMatchObject({
    repo: '/srv/git/cigar.git',
    branch: 'main',
    sharedFiles: ['config/database.yml', 'config/master.key'],
    sharedDirs: ['log', 'tmp', 'storage'],
    keepReleases: 5,
  });
  const shared = '/var/www/cigar/shared';
  const stat = await server.exec([
    'stat',
    '-c',
    '%a %U:%G %n',
    `${shared}/config/database.yml`,
    `${shared}/config/master.key`,
    `${shared}/db`,
    `${shared}/storage`,
  ]);
  expect(stat.stdout.trim().split('\n')).toEqual([
    `640 deploy:deploy ${shared}/config/database.yml`,
    `600 deploy:deploy ${shared}/config/master.key`,
    `755 deploy:deploy ${shared}/db`,
    `755 deploy:deploy ${shared}/storage`,
  ]);
  expect((await server.exec(['cat', `${shared}/config/database.yml`])).stdout).toContain(
    `adapter: sqlite3\n  database: ${shared}/db/production.sqlite3\n`,
  );
  const env = (await server.exec(['cat', '/etc/hosting-api/env/cigar.env'])).stdout;
  expect(env).toMatch(/^RAILS_ENV=production$/m);
  expect(env).toMatch(/^SECRET_KEY_BASE=\w{64,}$/m);
  expect(env).toMatch(/^DATABASE_PASSWORD=\S{20,}$/m);
  expect(env).not.toMatch(/RAILS_LOG_TO_STDOUT/);
}

/** Every secret value of the laptop's .secrets.json, to check that none is printed. */
async function secretValues(dir: string): Promise<string[]> {
  const secrets = JSON.parse(await readFile(path.join(dir, '.secrets.json'), 'utf8'));
  return [
    ...Object.values(secrets.database_passwords),
    ...Object.values(secrets.secret_key_bases),
    secrets.hosting_management.admin_password,
    secrets.hosting_management.jwt_secret,
    secrets.hosting_management.api_token,
  ] as string[];
}

describe.skipIf(!support.ok)('provisioning a bare server', { timeout: 600_000 }, () => {
  let first: TestServer | undefined;
  let second: TestServer | undefined;
  let dir: string;
  let managed: string[];
  const hms = (args: string[]) => runHms(args, { cwd: dir, env: { HMS_NO_KEYCHAIN: '1' } });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-provision-'));
    const config = {
      servers: { test: { host: '0.0.0.0', user: 'deploy', identityFile: 'id_ed25519', knownHostsFile: 'known_hosts', agentPort: 8790 } },
      apps: {
        cigar: { server: 'test', repo: '/srv/git/cigar.git', domain: 'cigar.test', files: { 'config/master.key': 'cigar-master.key' } },
        tobacco: { server: 'test', repo: '/srv/git/tobacco.git', domain: 'tobacco.test' },
      },
    };
    await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(config, null, 2));
    await writeFile(path.join(dir, 'cigar-master.key'), 'e2e0master0key0123456789abcdef\n', { mode: 0o600 });
    expect((await hms(['secrets', 'init'])).code).toBe(0);
    first = await startTestServer({ aptCache: true });
    await laptopFor(first, dir);
    const input = await gatherInput(await loadConfig(path.join(dir, 'hms.config.json')), 'test', path.join(dir, '.secrets.json'));
    const steps = await provisioningPlan(input);
    expect(steps.length).toBeGreaterThan(8);
    managed = [
      ...appEnvFiles(input).map((f) => f.path),
      ...agentConfigFiles(input).map((f) => f.path),
      '/etc/systemd/system/cigar.service',
      '/etc/systemd/system/tobacco.service',
      '/etc/systemd/system/hms-agent.service',
      '/etc/nginx/sites-available/cigar',
      '/etc/nginx/sites-available/tobacco',
      '/etc/nginx/sites-available/hosting',
      '/etc/nginx/sites-available/hms-default',
      '/var/www/cigar/shared/config/puma.rb',
      '/var/www/cigar/shared/config/database.yml',
      '/var/www/cigar/shared/config/master.key',
      '/var/www/tobacco/shared/config/database.yml',
      '/etc/logrotate.d/hms',
      '/home/deploy/.ssh/authorized_keys',
    ];
  });
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
  });

  it(
    'Given a bare server, When `hms full-deploy` runs, ' +
      'Then nginx and the agent are up, the app units enabled, and status works through the tunnel',
    async () => {
      const started = Date.now();
      const run = await hms(['full-deploy', 'test']);
      console.log(`[provision] full-deploy of a bare server: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.stderr).toMatch(/\[ 1\/\d+\] ● System packages/);
      for (const unit of ['nginx.service', 'hms-agent.service'])
        expect((await first!.exec(['systemctl', 'is-active', unit])).stdout.trim()).toBe('active');
      expect((await first!.exec(['systemctl', 'is-enabled', 'cigar.service', 'tobacco.service'])).stdout.trim().split('\n')).toEqual([
        'enabled',
        'enabled',
      ]);
      // No `hms login`: full-deploy kept the token it installed (no keychain here: the 0600 file).
      const tokenFile = path.join(dir, '.xdg', 'hms', 'tokens.json');
      expect(run.stderr).toContain(`API token for test stored in ${tokenFile} (0600; no keychain: HMS_NO_KEYCHAIN=1).`);
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
      const status = await hms(['status', '--json']);
      expect(status.code, status.stderr).toBe(0);
      const human = await hms(['status']);
      expect(human.code, human.stderr).toBe(0);
      const token = JSON.parse(await readFile(path.join(dir, '.secrets.json'), 'utf8')).hosting_management.api_token as string;
      for (const output of [run.stdout, run.stderr, status.stdout, status.stderr, human.stdout, human.stderr])
        expect(output).not.toContain(token);
      const names = appsResponseSchema.parse(JSON.parse(status.stdout)).apps.map((a) => [a.name, a.state.loadState]);
      expect(names).toEqual([
        ['cigar', 'loaded'],
        ['tobacco', 'loaded'],
        ['nginx', 'loaded'],
        ['agent', 'loaded'],
      ]);
      expect(
        (await first!.exec(['stat', '-c', '%a %U', '/etc/hosting-api/env/cigar.env', '/etc/hosting-api/secrets.json'])).stdout
          .trim()
          .split('\n'),
      ).toEqual(['600 root', '600 root']);
      await expectAppFiles(first!);
    },
  );

  it("Given ssh-agent and no identityFile, When provisioning runs, Then the deploy user accepts the agent's keys", async () => {
    const agent = await startSshAgent();
    try {
      // The laptop's key (root accepts it) and a new one that no server knows yet.
      expect(
        (await exec(['ssh-add', path.join(dir, 'id_ed25519')], { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: agent.socket } })).code,
      ).toBe(0);
      const fresh = await agent.addNewKey('erin@laptop');
      await withConfig(
        dir,
        (config) => delete config.servers.test.identityFile,
        async () => {
          const run = await runHms(['provision', 'test'], { cwd: dir, env: { HMS_NO_KEYCHAIN: '1', SSH_AUTH_SOCK: agent.socket } });
          expect(run.code, run.stderr).toBe(0);
          expect(run.stderr).toMatch(/● SSH keys allowed to log in as deploy/);
        },
      );
      expect((await first!.exec(['cat', '/home/deploy/.ssh/authorized_keys'])).stdout).toContain(
        (await readFile(`${fresh}.pub`, 'utf8')).trim(),
      );
      // The deploy user lets in the key only the agent offered: status logs in with it alone.
      await withConfig(
        dir,
        (config) => (config.servers.test.identityFile = fresh),
        async () => {
          const status = await hms(['status', '--json']);
          expect(status.code, status.stderr).toBe(0);
        },
      );
    } finally {
      await agent.stop();
    }
    // Back to the identity file's key alone, as the next tests expect.
    expect((await hms(['provision', 'test'])).code).toBe(0);
  });

  it('Given a provisioned server, When provisioning runs again, Then every step is up to date and nothing changes', async () => {
    const before = await checksums(first!, managed);
    const started = Date.now();
    const run = await hms(['provision', 'test']);
    console.log(`[provision] idempotent re-run: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/every step up to date; nothing changed/);
    expect(run.stderr).not.toMatch(/●/);
    expect(await checksums(first!, managed)).toEqual(before);
    const again = await hms(['deploy-hosting-api', 'test']);
    expect(again.stdout).toMatch(/already installed and running/);
  });

  it(
    'Given a managed file edited by hand, When provisioning runs, ' +
      'Then the file is what hms writes again and the edit is kept under /var/lib/hms/replaced/, as the run says',
    async () => {
      const file = '/etc/logrotate.d/hms';
      const before = await checksums(first!, [file]);
      const edit = '# rotated by hand\n/var/log/hand/*.log { daily }\n';
      await first!.exec(['sh', '-c', `cat > ${file}`], { input: edit });
      const run = await hms(['provision', 'test']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`${file}: content (the file it replaces is kept in /var/lib/hms/replaced/)`);
      expect(await checksums(first!, [file])).toEqual(before);
      const kept = await first!.exec(['sh', '-c', `cat /var/lib/hms/replaced/*${file}`]);
      expect(kept.stdout).toBe(edit);
      expect((await first!.exec(['stat', '-c', '%a', '/var/lib/hms/replaced'])).stdout.trim()).toBe('700');
    },
  );

  it(
    "Given the agent running from an older hms's unit (no memory flags), When provisioning runs, " +
      'Then the unit is written again and the running agent restarted onto it',
    async () => {
      const unit = '/etc/systemd/system/hms-agent.service';
      const mainPid = async () => (await first!.exec(['systemctl', 'show', '-p', 'MainPID', '--value', 'hms-agent.service'])).stdout.trim();
      const older = (await first!.exec(['cat', unit])).stdout.replace(' --expose-gc ', ' ').replace(/^Environment=MALLOC_.*\n/gm, '');
      await first!.exec(['sh', '-c', `cat > ${unit} && systemctl daemon-reload && systemctl restart hms-agent.service`], { input: older });
      const before = await mainPid();
      expect((await first!.exec(['cat', `/proc/${before}/cmdline`])).stdout).not.toContain('--expose-gc');

      const run = await hms(['provision', 'test']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`${unit}: content`);
      const after = await mainPid();
      expect(after).not.toBe(before);
      expect((await first!.exec(['cat', `/proc/${after}/cmdline`])).stdout.split('\0')).toEqual(expect.arrayContaining(['--expose-gc']));
      expect((await first!.exec(['cat', `/proc/${after}/environ`])).stdout.split('\0')).toEqual(
        expect.arrayContaining(['MALLOC_ARENA_MAX=1', 'MALLOC_TRIM_THRESHOLD_=131072']),
      );
      // Restarted, not yet listening: it answers once it has started.
      const health = () => first!.exec(['curl', '-fsS', 'http://127.0.0.1:8790/api/health']);
      await waitFor(
        async () => (await health()).code === 0,
        () => 'the restarted agent never answered /api/health',
        60_000,
        250,
      );
      const status = await hms(['status', '--json']);
      expect(status.code, status.stderr).toBe(0);
    },
  );

  it('Given the server destroyed, When a new bare server is provisioned, Then the files provisioning wrote are identical', async () => {
    const original = await checksums(first!, managed);
    const release = (await first!.exec(['readlink', '/opt/hosting-api/current'])).stdout.trim();
    await first!.stop();
    first = undefined;
    second = await startTestServer({ aptCache: true });
    await laptopFor(second, dir);
    const started = Date.now();
    const run = await hms(['full-deploy', 'test']);
    console.log(`[provision] full-deploy of a rebuilt server (warm cache): ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(run.code, run.stderr).toBe(0);
    expect(await checksums(second, managed)).toEqual(original);
    expect((await second.exec(['readlink', '/opt/hosting-api/current'])).stdout.trim()).toBe(release);
  });

  it(
    'Given a template that renders an invalid nginx config, When provisioning runs, ' +
      'Then it stops, the old files are back, and nginx and the agent keep running',
    async () => {
      const server = second!;
      await server.exec(['sh', '-c', 'mkdir -p /etc/nginx/ssl/broken && echo "not a certificate" > /etc/nginx/ssl/broken/bad.crt']);
      const secrets = JSON.parse(await readFile(path.join(dir, '.secrets.json'), 'utf8'));
      const good = secrets.ssl_config.hosting;
      secrets.ssl_config.hosting = { ...good, cert_path: '/etc/nginx/ssl/broken/bad.crt' };
      await writeFile(path.join(dir, '.secrets.json'), JSON.stringify(secrets), { mode: 0o600 });
      const before = (await server.exec(['cat', '/etc/nginx/sites-available/hosting'])).stdout;
      try {
        const run = await hms(['provision', 'test']);
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/nginx sites .* failed/);
        expect(run.stderr).toMatch(/previous files were put back/);
        expect(run.stderr).toMatch(/PEM|certificate/i);
        expect((await server.exec(['cat', '/etc/nginx/sites-available/hosting'])).stdout).toBe(before);
        for (const unit of ['nginx.service', 'hms-agent.service'])
          expect((await server.exec(['systemctl', 'is-active', unit])).stdout.trim()).toBe('active');
        expect((await server.exec(['nginx', '-t', '-q'])).code).toBe(0);
      } finally {
        secrets.ssl_config.hosting = good;
        await writeFile(path.join(dir, '.secrets.json'), JSON.stringify(secrets), { mode: 0o600 });
      }
    },
  );

  it(
    'Given a package apt cannot install, When provisioning runs, ' +
      'Then it stops at the packages step with what to fix, changes nothing else, and nginx and the agent keep running',
    async () => {
      const server = second!;
      const before = await checksums(server, managed);
      await withConfig(
        dir,
        (config) => {
          config.servers.test.packages = ['hms-no-such-package'];
        },
        async () => {
          const run = await hms(['provision', 'test']);
          expect(run.code).toBe(1);
          expect(run.stderr).toMatch(/Step 1\/\d+ "System packages" failed/);
          expect(run.stderr).toMatch(/Unable to locate package hms-no-such-package/);
          expect(run.stderr).toMatch(/The package hms-no-such-package is not known to apt on test; nothing was installed/);
          expect(run.stderr).toMatch(/servers\.test\.packages/);
          expect(run.stderr).not.toMatch(/\[ 2\/\d+\]/);
        },
      );
      for (const unit of ['nginx.service', 'hms-agent.service'])
        expect((await server.exec(['systemctl', 'is-active', unit])).stdout.trim()).toBe('active');
      expect(await checksums(server, managed)).toEqual(before);
      const again = await hms(['provision', 'test']);
      expect(again.stdout).toMatch(/every step up to date; nothing changed/);
    },
  );

  it(
    'Given database.yml edited by hand on the server, When provisioning runs, ' +
      'Then the edit survives and is reported; a database.yml hms wrote follows the config',
    async () => {
      const server = second!;
      const cigarYml = '/var/www/cigar/shared/config/database.yml';
      const tobaccoYml = '/var/www/tobacco/shared/config/database.yml';
      const edited = 'production:\n  adapter: sqlite3\n  database: /srv/data/cigar.sqlite3   # moved by hand\n';
      await server.exec(['sh', '-c', `cat > ${cigarYml}`], { input: edited });
      await withConfig(
        dir,
        (config) => {
          config.apps.cigar.database = { adapter: 'postgresql' };
          config.apps.tobacco.database = { adapter: 'postgresql' };
        },
        async () => {
          // The backup repository's password came with the SQLite apps (every app's database is backed up): nothing to add.
          const run = await hms(['provision', 'test']);
          expect(run.code, run.stderr).toBe(0);
          expect(run.stderr).toContain(`${cigarYml}: differs; kept (hms would write`);
          expect(run.stderr).toMatch(/^\s+\+\s+adapter: postgresql$/m);
          expect(run.stdout).toMatch(/1 file\(s\) on the server differ from what hms would write and were kept/);
          expect((await server.exec(['cat', cigarYml])).stdout).toBe(edited);
          expect((await server.exec(['cat', tobaccoYml])).stdout).toMatch(
            /adapter: postgresql\n  encoding: unicode\n  database: tobacco\n  username: tobacco\n/,
          );
        },
      );
      const back = await hms(['provision', 'test']);
      expect(back.code, back.stderr).toBe(0);
      expect((await server.exec(['cat', cigarYml])).stdout).toBe(edited);
      expect((await server.exec(['cat', tobaccoYml])).stdout).toMatch(/adapter: sqlite3/);
      const again = await hms(['provision', 'test']);
      expect(again.stdout).toMatch(/every step up to date; nothing changed/);
      expect(again.stderr).toContain(`${cigarYml}: differs; kept`);
      expect(again.stderr).not.toMatch(/●/);
    },
  );

  it(
    'Given a new branch and a rotated secret in the config, When `hms provision --dry-run` runs, ' +
      'Then it shows the branch as a diff line, no secret value, and changes nothing',
    async () => {
      const server = second!;
      const before = await checksums(server, managed);
      const secretsFile = path.join(dir, '.secrets.json');
      const original = await readFile(secretsFile, 'utf8');
      const secrets = JSON.parse(original);
      secrets.secret_key_bases.cigar = 'f'.repeat(128);
      await writeFile(secretsFile, JSON.stringify(secrets), { mode: 0o600 });
      try {
        await withConfig(
          dir,
          (config) => {
            config.apps.cigar.branch = 'release';
          },
          async () => {
            const run = await hms(['provision', 'test', '--dry-run']);
            expect(run.code, run.stderr).toBe(0);
            expect(run.stderr).toMatch(/^\s+-\s+"branch": "main",$/m);
            expect(run.stderr).toMatch(/^\s+\+\s+"branch": "release",$/m);
            expect(run.stderr).toContain('/etc/hosting-api/env/cigar.env: content');
            expect(run.stderr).toMatch(/SECRET_KEY_BASE=\*\*\*|only secret values differ/);
            for (const value of [...(await secretValues(dir)), 'f'.repeat(128)]) {
              expect(run.stderr).not.toContain(value);
              expect(run.stdout).not.toContain(value);
            }
          },
        );
      } finally {
        await writeFile(secretsFile, original, { mode: 0o600 });
      }
      expect(await checksums(server, managed)).toEqual(before);
    },
  );

  it(
    'Given the deploy user, When `hms shared put` runs twice and `hms shared list`, ' +
      'Then the file is in shared/ with the previous version kept as a .bak, and listed',
    async () => {
      const server = second!;
      const local = path.join(dir, 'storage.yml');
      await writeFile(local, 'local:\n  service: Disk\n  root: <%= Rails.root.join("storage") %>\n');
      const put1 = await hms(['shared', 'put', 'cigar', local]);
      expect(put1.code, put1.stderr).toBe(0);
      expect(put1.stdout).toMatch(/at \/var\/www\/cigar\/shared\/config\/storage.yml on test .*mode 0640/);
      await writeFile(local, 'local:\n  service: Disk\n  root: /var/www/cigar/shared/storage\n');
      const put2 = await hms(['shared', 'put', 'cigar', local, 'config/storage.yml']);
      expect(put2.code, put2.stderr).toBe(0);
      const backup = /kept as (\S+\.bak)\./.exec(put2.stdout)?.[1];
      expect(backup).toMatch(/^\/var\/www\/cigar\/shared\/config\/storage\.yml\.\d{8}T\d{6}Z\.bak$/);
      expect((await server.exec(['cat', backup!])).stdout).toContain('Rails.root');
      expect((await server.exec(['stat', '-c', '%a %U', '/var/www/cigar/shared/config/storage.yml'])).stdout.trim()).toBe('640 deploy');
      const list = await hms(['shared', 'list', 'cigar']);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/^config\/storage\.yml\s+\S+\s+0640\s+\d{4}-\d\d-\d\d /m);
      expect(list.stdout).toMatch(/^config\/master\.key\s+\S+\s+0600 /m);
      const refused = await hms(['shared', 'put', 'cigar', local, '../../../etc/passwd']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/not a path inside shared/);
    },
  );

  it(
    'Given master.key edited on the server, When provisioning runs, Then it is kept; ' +
      'When the laptop file changes, Then it is uploaded and the server copy kept as a .bak',
    async () => {
      const server = second!;
      const key = '/var/www/cigar/shared/config/master.key';
      await server.exec(['sh', '-c', `cat > ${key}`], { input: 'edited0on0the0server\n' });
      const kept = await hms(['provision', 'test']);
      expect(kept.code, kept.stderr).toBe(0);
      expect(kept.stderr).toContain(`${key}: differs; kept`);
      expect(kept.stderr).not.toContain('edited0on0the0server');
      expect((await server.exec(['cat', key])).stdout).toBe('edited0on0the0server\n');
      await writeFile(path.join(dir, 'cigar-master.key'), 'e2e0new0master0key\n', { mode: 0o600 });
      const replaced = await hms(['provision', 'test']);
      expect(replaced.code, replaced.stderr).toBe(0);
      expect(replaced.stderr).toContain(
        `${key}: content (the laptop file changed since the last upload; the server copy is kept as a .bak)`,
      );
      expect((await server.exec(['cat', key])).stdout).toBe('e2e0new0master0key\n');
      expect((await server.exec(['stat', '-c', '%a %U', key])).stdout.trim()).toBe('600 deploy');
      const backups = await server.exec(['sh', '-c', `cat ${key}.*.bak`]);
      expect(backups.stdout).toBe('edited0on0the0server\n');
      const again = await hms(['provision', 'test']);
      expect(again.stderr).not.toContain(`${key}:`);
    },
  );
});

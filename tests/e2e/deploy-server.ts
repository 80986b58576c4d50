/**
 * A test server set up for deploys of a real Rails app: Debian's ruby-rails, sqlite3
 * and puma (offline, through the apt cache), nginx, the bundled agent under systemd,
 * app `cigar` with an empty releases/ and a shared/ (database.yml, puma.rb with 2
 * workers so a reload is a phased restart), and the sample app's git repository as a
 * bare repo inside the server that the agent clones from (file://).
 * Test set-up only: files go in through the container's root directory and nsenter;
 * the code under test is reached through the SSH tunnel.
 */
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { appSchema } from '../../src/config/schema.js';
import { databaseYml } from '../../src/provision/shared-files.js';
import { agentApp } from '../../src/provision/steps/agent-config.js';
import { renderTemplate } from '../../src/provision/templates.js';
import { AGENT_PORT, installAgentService, installAppSite, installAppUnits, installPackages, put } from '../support/server-kit.js';
import type { TestServer } from '../support/test-server.js';

export const APP = 'cigar';
export const ROOT = `/var/www/${APP}`;
export const DOMAIN = `${APP}.test`;
export const REPO = '/srv/git/sample.git';
export const WORK = '/srv/work/sample';
export const PACKAGES = [
  'nodejs',
  'nginx',
  'puma',
  'ruby',
  'ruby-rails',
  'ruby-sqlite3',
  'ruby-bundler',
  'git',
  'curl',
  'procps',
  'sqlite3',
];

export async function must(server: TestServer, argv: string[], timeoutMs = 300_000): Promise<string> {
  const result = await server.exec(argv, { timeoutMs });
  if (result.code !== 0) throw new Error(`${argv.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The app as hms.config.json describes it; agent.json and database.yml are what provisioning renders from it. */
const APP_CONFIG = appSchema.parse({ server: 'test', repo: `file://${REPO}`, domain: DOMAIN, keepReleases: 3 });

function agentConfig(): object {
  return {
    listen: { host: '127.0.0.1', port: AGENT_PORT },
    stateDir: '/var/lib/hosting-api',
    secretsFile: '/etc/hosting-api/secrets.json',
    scriptsDir: '/opt/hosting-api/current/remote-cli-tools',
    apps: {
      [APP]: agentApp(APP, APP_CONFIG),
    },
    nginx: { sites: [APP] },
  };
}

/** The app's folders, shared files, unit (enabled, not started: nothing to run yet) and nginx site. */
async function installApp(server: TestServer): Promise<void> {
  for (const dir of ['releases', 'shared/config', 'shared/db', 'shared/log', 'shared/tmp/sockets', 'shared/tmp/pids']) {
    await mkdir(path.join(server.rootDir, ROOT, dir), { recursive: true });
  }
  await put(server, `${ROOT}/shared/config/database.yml`, databaseYml(APP, APP_CONFIG));
  await put(
    server,
    `${ROOT}/shared/config/puma.rb`,
    await renderTemplate('puma/puma.rb', { app: APP, root: ROOT, workers: 2, minThreads: 1, maxThreads: 4 }),
  );
  await put(
    server,
    `/etc/hosting-api/env/${APP}.env`,
    'RAILS_ENV=production\nRACK_ENV=production\nSECRET_KEY_BASE=e2e0123456789abcdef0123456789abcdef0123456789abcdef\n',
    0o600,
  );
  // The launcher and units as provisioning writes them; each deploy writes shared/config/web-command.
  await installAppUnits(server, APP);
  await installAppSite(server, APP, ROOT, DOMAIN);
  await must(server, ['rm', '-f', '/etc/nginx/sites-enabled/default']);
  await must(server, ['chown', '-R', 'deploy:deploy', ROOT]);
}

/** The sample app as commit "one" on main, in a working copy and a bare repo owned by deploy. */
async function installRepository(server: TestServer): Promise<void> {
  await cp(path.resolve('tests/fixtures/sample-app'), path.join(server.rootDir, WORK), { recursive: true });
  await must(server, ['git', 'init', '--quiet', '--bare', '--initial-branch=main', REPO]);
  await must(server, ['git', 'init', '--quiet', '--initial-branch=main', WORK]);
  await must(server, ['chown', '-R', 'deploy:deploy', '/srv/git', '/srv/work']);
  await commit(server, 'one');
  await git(server, ['remote', 'add', 'origin', REPO]);
  await git(server, ['push', '--quiet', 'origin', 'main']);
}

/** git in the working copy, as deploy. */
export function git(server: TestServer, args: string[]): Promise<string> {
  return must(server, [
    'runuser',
    '-u',
    'deploy',
    '--',
    'git',
    '-c',
    'user.name=e2e',
    '-c',
    'user.email=e2e@example.test',
    '-C',
    WORK,
    ...args,
  ]);
}

export async function commit(server: TestServer, message: string): Promise<string> {
  await git(server, ['add', '-A']);
  await git(server, ['commit', '--quiet', '--allow-empty', '-m', message]);
  return (await git(server, ['rev-parse', 'HEAD'])).trim();
}

/** Writes a file of the working copy (owned by deploy). */
export async function writeAppFile(server: TestServer, file: string, content: string): Promise<void> {
  await put(server, path.join(WORK, file), content);
  await must(server, ['chown', '-R', 'deploy:deploy', WORK]);
}

export async function setUpDeployServer(server: TestServer): Promise<void> {
  await installPackages(server, PACKAGES);
  await must(server, ['useradd', '--system', '--create-home', '--shell', '/bin/bash', 'deploy']);
  await installApp(server);
  await installRepository(server);
  await installAgentService(server, { config: agentConfig(), adminPassword: 'e2e deploy password' });
  await must(server, ['systemctl', 'enable', `${APP}.service`]);
  await must(server, ['systemctl', 'enable', '--now', 'hms-agent.service']);
  await must(server, ['systemctl', 'reload-or-restart', 'nginx.service']);
  await must(server, [
    'sh',
    '-c',
    `for i in $(seq 150); do curl -fsS http://127.0.0.1:${AGENT_PORT}/api/health >/dev/null && exit 0; ` +
      `sleep 0.2; done; journalctl -n 50 --no-pager; exit 1`,
  ]);
}

const RELEASE_RB = (name: string, healthy = true) =>
  `# What the page shows; the e2e tests change it per commit.\nSAMPLE_RELEASE = '${name}'\nSAMPLE_HEALTHY = ${healthy}\n`;

/** Commits made on the sample app, each a file set on top of main. */
export const CHANGES = {
  two: {
    'config/initializers/release.rb': RELEASE_RB('two'),
    'db/migrate/20260102000000_add_note_to_visits.rb':
      'class AddNoteToVisits < ActiveRecord::Migration[6.1]\n  def change\n    add_column :visits, :note, :string\n  end\nend\n',
  },
  badBundle: { Gemfile: "source 'https://rubygems.org'\n\ngem 'rails', '~> 6.1.0'\ngem 'sqlite3'\ngem 'puma'\ngem 'hms-no-such-gem'\n" },
  badAssets: { 'app/assets/stylesheets/application.css': '/*\n *= require does_not_exist\n */\n' },
  badMigration: {
    'db/migrate/20260103000000_broken.rb':
      'class Broken < ActiveRecord::Migration[6.1]\n  def change\n' +
      "    add_column :visits, :broken, :string\n    raise 'this migration fails'\n  end\nend\n",
  },
  noBoot: { 'config.ru': "require_relative 'config/environment'\n\nraise 'this release does not boot'\nrun Rails.application\n" },
  badHealth: { 'config/initializers/release.rb': RELEASE_RB('sick', false) },
} satisfies Record<string, Record<string, string>>;

/** Commits `files` on `branch` (from main, or main itself) and pushes it; returns the SHA. */
export async function commitChange(server: TestServer, files: Record<string, string>, message: string, branch = 'main'): Promise<string> {
  if (branch !== 'main') await git(server, ['checkout', '--quiet', '-B', branch, 'main']);
  for (const [file, content] of Object.entries(files)) await writeAppFile(server, file, content);
  const sha = await commit(server, message);
  await git(server, ['push', '--quiet', '--force', 'origin', branch]);
  if (branch !== 'main') await git(server, ['checkout', '--quiet', 'main']);
  return sha;
}

/** sha256 of every file in shared/ but the logs and sockets the running app writes, and of the database. */
export function sharedChecksum(server: TestServer): Promise<string> {
  return must(server, [
    'sh',
    '-c',
    `cd ${ROOT}/shared && find . -path ./log -prune -o -path ./tmp -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum`,
  ]);
}

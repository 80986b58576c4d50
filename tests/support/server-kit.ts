/**
 * Puts a test server in the state a provisioned hosting server is in: nginx, the
 * bundled agent on Debian's Node 18 under systemd, and small puma-served Rack apps
 * (`cigar`, `tobacco`) behind nginx. Test set-up only: it writes through the
 * container's root directory and nsenter; the code under test talks SSH.
 */
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ACME_ROOT, placeholderArgv } from '../../src/provision/steps/tls.js';
import { appUnitFiles, webStartFile } from '../../src/provision/steps/units.js';
import { TLS_SNIPPET } from '../../src/provision/steps/web.js';
import { loadTemplates } from '../../src/provision/template-set.js';
import { renderTemplate } from '../../src/provision/templates.js';
import { SYSTEM_PUMA, webCommandText } from '../../server/services/deploys/web-command.js';
import type { TestServer } from './test-server.js';

export const AGENT_PORT = 8790;
export const API_TOKEN = 'tok_e2e_0123456789abcdef0123456789abcdef';
export const ADMIN_PASSWORD = 'e2e correct horse battery staple';
export const SAMPLE_APPS = ['cigar', 'tobacco'] as const;

export interface HostingServer {
  apiToken: string;
  adminPassword: string;
  agentPort: number;
  apps: readonly string[];
}

async function must(server: TestServer, argv: string[], timeoutMs = 300_000): Promise<string> {
  const result = await server.exec(argv, { timeoutMs });
  if (result.code !== 0) throw new Error(`${argv.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Writes a file inside the container (parents created), with a mode. */
export async function put(server: TestServer, file: string, content: string | Buffer, mode = 0o644): Promise<void> {
  const target = path.join(server.rootDir, file);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, content);
  await chmod(target, mode);
}

/**
 * An app's units as provisioning writes them (src/provision/steps/units.ts): the
 * web-start launcher, <app>.service and <app>.socket; systemd reloaded. The app's
 * shared/config/web-command is the deploy's to write.
 */
export async function installAppUnits(server: TestServer, app: string): Promise<void> {
  const templates = await loadTemplates();
  for (const file of [webStartFile(templates), ...appUnitFiles(app, templates)]) await put(server, file.path, file.content, file.mode);
  await must(server, ['systemctl', 'daemon-reload']);
}

export async function installPackages(server: TestServer, packages: string[]): Promise<void> {
  await must(server, ['apt-get', 'update', '-qq']);
  await must(server, ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]);
}

// A Rack app that answers like a tiny Rails app: /up, a page naming its release,
// a 500, and a Rails-style line in log/production.log per request.
const CONFIG_RU = `
require 'logger'
release = File.basename(File.expand_path(__dir__))
log = Logger.new(File.join(__dir__, 'log', 'production.log'))
run lambda { |env|
  path = env['PATH_INFO']
  log.info("Started GET \\"#{path}\\" for #{env['REMOTE_ADDR']}")
  case path
  when '/up' then [200, { 'content-type' => 'text/plain' }, ['ok']]
  when '/boom'
    log.error("RuntimeError (boom)")
    [500, { 'content-type' => 'text/plain' }, ['error']]
  else [200, { 'content-type' => 'text/plain' }, ["APP_NAME release #{release}"]]
  end
}
`;

async function installRackApp(server: TestServer, app: string): Promise<void> {
  const root = `/var/www/${app}`;
  const release = `${root}/releases/20260101000000`;
  await put(server, `${release}/config.ru`, CONFIG_RU.replace('APP_NAME', app));
  for (const dir of ['shared/log', 'shared/tmp/sockets', 'shared/tmp/pids', 'shared/config']) {
    await mkdir(path.join(server.rootDir, root, dir), { recursive: true });
  }
  await symlink(`${root}/shared/log`, path.join(server.rootDir, release, 'log'));
  await symlink(release, path.join(server.rootDir, root, 'current'));
  await put(
    server,
    `${root}/shared/config/puma.rb`,
    await renderTemplate('puma/puma.rb', { app, root, workers: 2, minThreads: 1, maxThreads: 4 }),
  );
  await installAppUnits(server, app);
  await put(server, `${root}/shared/config/web-command`, webCommandText([SYSTEM_PUMA, '-C', `${root}/shared/config/puma.rb`]));
  await installAppSite(server, app, root, `${app}.test`);
}

/**
 * An app's nginx site as provisioning writes it (templates/nginx/app.conf, enabled),
 * with a self-signed certificate for its domain at the default paths, made on the host.
 */
/**
 * The TLS snippet every site includes (templates/nginx/tls.conf at TLS_SNIPPET), and the
 * values provisioning gives a site's template with ACME off: no HSTS, HTTP serving the app.
 */
export async function siteTlsValues(server: TestServer): Promise<Record<string, string>> {
  await put(server, TLS_SNIPPET, await renderTemplate('nginx/tls.conf', {}));
  return { tlsSnippet: TLS_SNIPPET, hsts: '# (no HSTS)', httpsRedirect: '# (HTTP serves the app too)', http2: ' http2' };
}

export async function installAppSite(server: TestServer, app: string, root: string, domain: string): Promise<void> {
  const { exec } = await import('../../src/platform/exec.js');
  const work = await mkdtemp(path.join(tmpdir(), 'hms-site-cert-'));
  try {
    const site = { site: app, domain, cert: path.join(work, 'site.crt'), key: path.join(work, 'site.key') };
    const made = await exec(placeholderArgv(site));
    if (made.code !== 0) throw new Error(`openssl req failed: ${made.stderr}`);
    const [certPath, keyPath] = [`/etc/nginx/ssl/${domain}/${domain}.crt`, `/etc/nginx/ssl/${domain}/${domain}.key`];
    await put(server, certPath, await readFile(site.cert), 0o644);
    await put(server, keyPath, await readFile(site.key), 0o600);
    await put(
      server,
      `/etc/nginx/sites-available/${app}`,
      await renderTemplate('nginx/app.conf', {
        app,
        root,
        domain,
        certPath,
        keyPath,
        acmeRoot: ACME_ROOT,
        maintenanceFlag: `/var/www/_maintenance/${app}`,
        maintenanceDir: '/var/www/_maintenance',
        ...(await siteTlsValues(server)),
      }),
    );
    await must(server, ['ln', '-sfn', `/etc/nginx/sites-available/${app}`, `/etc/nginx/sites-enabled/${app}`]);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function agentConfig(apps: readonly string[]): object {
  return {
    listen: { host: '127.0.0.1', port: AGENT_PORT },
    stateDir: '/var/lib/hosting-api',
    secretsFile: '/etc/hosting-api/secrets.json',
    scriptsDir: '/opt/hosting-api/current/remote-cli-tools',
    apps: Object.fromEntries(
      apps.map((app) => [
        app,
        {
          unit: `${app}.service`,
          root: `/var/www/${app}`,
          health: { socket: `/var/www/${app}/shared/tmp/sockets/puma.sock`, path: '/up' },
        },
      ]),
    ),
    nginx: { sites: [...apps] },
  };
}

/** Installs the bundle from dist/ as release `id` and points `current` at it. */
export async function installAgentRelease(server: TestServer, id: string): Promise<void> {
  const dir = `/opt/hosting-api/releases/${id}`;
  await mkdir(path.join(server.rootDir, dir, 'remote-cli-tools'), { recursive: true });
  await copyFile(path.resolve('dist/hms-agent.mjs'), path.join(server.rootDir, dir, 'hms-agent.mjs'));
  for (const script of await readdir(path.resolve('remote-cli-tools'))) {
    if (!script.endsWith('.sh')) continue;
    await copyFile(path.resolve('remote-cli-tools', script), path.join(server.rootDir, dir, 'remote-cli-tools', script));
    await chmod(path.join(server.rootDir, dir, 'remote-cli-tools', script), 0o755);
  }
  await must(server, ['ln', '-sfn', dir, '/opt/hosting-api/current']);
}

/**
 * The agent as provisioning installs it: release `20260101000000` from dist/, its
 * config and secrets (0600), its unit and state folder, systemd reloaded. The caller
 * enables and starts it.
 */
export async function installAgentService(server: TestServer, options: { config: unknown; adminPassword: string }): Promise<void> {
  await installAgentRelease(server, '20260101000000');
  await put(server, '/etc/hosting-api/agent.json', JSON.stringify(options.config, null, 2), 0o600);
  const secrets = {
    hosting_management: {
      admin_username: 'admin',
      admin_password: options.adminPassword,
      jwt_secret: 'jwt_e2e_0123456789abcdef0123456789abcdef',
      api_token: API_TOKEN,
    },
  };
  await put(server, '/etc/hosting-api/secrets.json', JSON.stringify(secrets), 0o600);
  await put(
    server,
    '/etc/systemd/system/hms-agent.service',
    await renderTemplate('systemd/hms-agent.service', {
      nodeBinary: '/usr/bin/node',
      installDir: '/opt/hosting-api',
      configFile: '/etc/hosting-api/agent.json',
      stateDir: '/var/lib/hosting-api',
    }),
  );
  await must(server, ['mkdir', '-p', '/var/lib/hosting-api']);
  await must(server, ['systemctl', 'daemon-reload']);
}

export async function setUpHostingServer(server: TestServer, apps: readonly string[] = SAMPLE_APPS): Promise<HostingServer> {
  await installPackages(server, ['nodejs', 'nginx', 'puma', 'ruby', 'curl', 'openssl', 'procps']);
  await must(server, ['useradd', '--system', '--create-home', '--shell', '/bin/bash', 'deploy']);
  for (const app of apps) await installRackApp(server, app);
  await must(server, ['chown', '-R', 'deploy:deploy', ...apps.map((app) => `/var/www/${app}`)]);

  await installAgentService(server, { config: agentConfig(apps), adminPassword: ADMIN_PASSWORD });
  await must(server, ['systemctl', 'enable', '--now', ...apps.map((app) => `${app}.service`), 'hms-agent.service']);
  await must(server, ['systemctl', 'reload-or-restart', 'nginx.service']);
  // Ready when the agent answers and every app answers /up through nginx.
  const probes = [
    `curl -fsS http://127.0.0.1:${AGENT_PORT}/api/health`,
    ...apps.map((app) => `curl -fsS -H 'Host: ${app}.test' http://127.0.0.1/up`),
  ];
  await must(server, [
    'sh',
    '-c',
    `for i in $(seq 150); do if ${probes.join(' >/dev/null && ')} >/dev/null; ` +
      `then exit 0; fi; sleep 0.2; done; journalctl -n 50 --no-pager; exit 1`,
  ]);
  return { apiToken: API_TOKEN, adminPassword: ADMIN_PASSWORD, agentPort: AGENT_PORT, apps };
}

/**
 * A private CA and a certificate for `address` (IP or name), made with openssl on
 * the host, and the hosting vhost from templates/nginx/hosting.conf serving the
 * agent over TLS. Returns the CA file the laptop must trust.
 */
export async function enableHostingVhost(
  server: TestServer,
  address: string,
  workDir: string,
): Promise<{ caFile: string; publicUrl: string }> {
  const { exec } = await import('../../src/platform/exec.js');
  const ssl = (...args: string[]) =>
    exec(['openssl', ...args], { cwd: workDir }).then((r) => {
      if (r.code !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
    });
  const san = /^\d+\.\d+\.\d+\.\d+$/.test(address) ? `IP:${address}` : `DNS:${address}`;
  await ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=hms test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
  );
  await ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${address}`, '-keyout', 'site.key', '-out', 'site.csr');
  await writeFile(path.join(workDir, 'ext.cnf'), `subjectAltName=${san}\n`);
  await ssl(
    'x509',
    '-req',
    '-in',
    'site.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
    '-out',
    'site.crt',
  );
  const dir = `/etc/nginx/ssl/${address}`;
  await put(server, `${dir}/${address}.crt`, await readFile(path.join(workDir, 'site.crt')), 0o644);
  await put(server, `${dir}/${address}.key`, await readFile(path.join(workDir, 'site.key')), 0o600);
  const vhost = await renderTemplate('nginx/hosting.conf', {
    domain: address,
    certPath: `${dir}/${address}.crt`,
    keyPath: `${dir}/${address}.key`,
    agentPort: AGENT_PORT,
    acmeRoot: ACME_ROOT,
    ...(await siteTlsValues(server)),
  });
  // Test set-up only: the laptop reaches the vhost by IP here (no DNS in the namespace) and a
  // client sends no SNI for an IP, so on this server the vhost is also 443's default server
  // (the apps' sites listen on 443 too). A provisioned server refuses that (hms-default).
  await put(server, '/etc/nginx/sites-available/hosting', vhost.replace(/listen 443 ssl( http2)?;/, 'listen 443 ssl$1 default_server;'));
  await must(server, ['ln', '-sfn', '/etc/nginx/sites-available/hosting', '/etc/nginx/sites-enabled/hosting']);
  await must(server, ['nginx', '-t', '-q']);
  await must(server, ['systemctl', 'reload', 'nginx.service']);
  // `systemctl reload` returns before the new config is live: poll.
  await must(server, [
    'sh',
    '-c',
    `for i in $(seq 100); do curl -skf https://127.0.0.1/api/health -H 'Host: ${address}' >/dev/null && exit 0; sleep 0.1; done; exit 1`,
  ]);
  return { caFile: path.join(workDir, 'ca.crt'), publicUrl: `https://${address}` };
}

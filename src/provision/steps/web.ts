import { HmsError } from '../../errors.js';
import { diffFiles, writeFiles, type ManagedFile } from '../files.js';
import type { Host } from '../host.js';
import { PATHS, appRoot, type ProvisionInput } from '../input.js';
import type { Step } from '../step.js';
import type { Templates } from '../template-set.js';

const deploy = PATHS.deployUser;

export function pumaFiles(input: ProvisionInput, t: Templates): ManagedFile[] {
  return input.apps.map(([name]) => ({
    path: `${appRoot(name)}/shared/config/puma.rb`,
    content: t.fill('puma/puma.rb', { app: name, root: appRoot(name), workers: 2, minThreads: 1, maxThreads: 5 }),
    mode: 0o644,
    owner: deploy,
    group: deploy,
  }));
}

export function pumaStep(input: ProvisionInput, t: Templates): Step {
  const files = () => pumaFiles(input, t);
  return {
    id: 'puma',
    title: "Each app's puma configuration",
    doc: {
      why: 'puma on a unix socket in shared/tmp/sockets, with workers so `systemctl reload` is a phased restart.',
      commands: input.apps.map(([name]) => `templates/puma/puma.rb -> ${appRoot(name)}/shared/config/puma.rb`),
      verify: [`ls -l ${PATHS.appsRoot}/*/shared/config/puma.rb`],
    },
    check: (host) => diffFiles(host, files()),
    apply: (host, changes) => writeFiles(host, files(), changes),
  };
}

export function hostingDomain(input: ProvisionInput): string {
  return input.secrets.ssl_config.hosting?.domain ?? (input.server.publicUrl ? new URL(input.server.publicUrl).hostname : 'hosting.remoteds.us');
}

function hostingCert(input: ProvisionInput) {
  const domain = hostingDomain(input);
  const ssl = input.secrets.ssl_config.hosting;
  return { domain, cert: ssl?.cert_path ?? `/etc/nginx/ssl/${domain}/${domain}.crt`, key: ssl?.key_path ?? `/etc/nginx/ssl/${domain}/${domain}.key` };
}

export function tlsStep(input: ProvisionInput): Step {
  const { domain, cert, key } = hostingCert(input);
  return {
    id: 'tls',
    title: `A certificate for ${domain}`,
    doc: {
      why: 'The hosting vhost needs a certificate to start. Where none is installed yet, a self-signed placeholder lets nginx run; replace it with the real one at the same paths (ssl_config.hosting).',
      commands: [`test -f ${cert} || openssl req -x509 -newkey rsa:2048 -nodes -days 90 -subj /CN=${domain} -keyout ${key} -out ${cert}`],
      verify: [`openssl x509 -in ${cert} -noout -subject -enddate`],
    },
    async check(host) {
      const present = await host.run(['test', '-f', cert, '-a', '-f', key]);
      return present.code === 0 ? [] : [`${cert}: create a self-signed placeholder`];
    },
    async apply(host) {
      const dir = cert.slice(0, cert.lastIndexOf('/'));
      await host.must(['install', '-d', '-m', '755', dir], `create ${dir}`);
      await host.must(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '90', '-subj', `/CN=${domain}`, '-keyout', key, '-out', cert], 'openssl req');
      await host.must(['chmod', '600', key], `chmod ${key}`);
    },
  };
}

export function siteFiles(input: ProvisionInput, t: Templates): ManagedFile[] {
  const { domain, cert, key } = hostingCert(input);
  const site = (name: string, content: string): ManagedFile => ({ path: `${PATHS.sitesAvailable}/${name}`, content, mode: 0o644, owner: 'root', group: 'root' });
  return [
    ...input.apps.map(([name, app]) => site(name, t.fill('nginx/app.conf', { app: name, root: appRoot(name), domain: app.domain }))),
    site('hosting', t.fill('nginx/hosting.conf', { domain, certPath: cert, keyPath: key, agentPort: input.server.agentPort })),
  ];
}

const siteNames = (input: ProvisionInput): string[] => [...input.apps.map(([name]) => name), 'hosting'];

export function nginxStep(input: ProvisionInput, t: Templates): Step {
  const files = () => siteFiles(input, t);
  return {
    id: 'nginx-sites',
    title: 'nginx sites for each app and the hosting vhost',
    doc: {
      why: 'Each app behind nginx on its domain (proxy to the puma socket), and the agent behind TLS. A new config is checked with `nginx -t` before nginx reloads; when the check fails, the previous files are put back and nginx keeps serving.',
      commands: [
        ...siteNames(input).map((name) => `templates/nginx/${name === 'hosting' ? 'hosting' : 'app'}.conf -> ${PATHS.sitesAvailable}/${name}; ln -sfn ../sites-available/${name} ${PATHS.sitesEnabled}/${name}`),
        'nginx -t && systemctl reload nginx',
      ],
      verify: ['nginx -t', 'curl -H "Host: <app domain>" http://127.0.0.1/up'],
    },
    async check(host) {
      const changes = await diffFiles(host, files());
      for (const name of siteNames(input)) {
        const link = await host.run(['readlink', '--', `${PATHS.sitesEnabled}/${name}`]);
        if (link.code !== 0 || !link.stdout.trim().endsWith(`sites-available/${name}`)) changes.push(`${PATHS.sitesEnabled}/${name}: link`);
      }
      const active = await host.run(['systemctl', 'is-active', 'nginx.service']);
      if (active.stdout.trim() !== 'active') changes.push('nginx.service: start');
      return changes;
    },
    async apply(host, changes) {
      const all = files();
      const previous = await saveContents(host, all.map((f) => f.path));
      await writeFiles(host, all, changes);
      for (const name of siteNames(input)) await host.must(['ln', '-sfn', `../sites-available/${name}`, `${PATHS.sitesEnabled}/${name}`], `enable site ${name}`);
      const test = await host.run(['nginx', '-t', '-q']);
      if (test.code !== 0) {
        await restoreContents(host, previous, siteNames(input));
        throw new HmsError(`The rendered nginx configuration is invalid; the previous files were put back and nginx was not reloaded:\n${test.stderr.trim()}`, {
          hint: 'Check the values that went into templates/nginx (domains, certificate paths), then run provisioning again.',
        });
      }
      await host.must(['systemctl', 'reload-or-restart', 'nginx.service'], 'reload nginx');
    },
  };
}

async function saveContents(host: Host, paths: string[]): Promise<Map<string, string | undefined>> {
  const saved = new Map<string, string | undefined>();
  for (const path of paths) {
    const read = await host.run(['cat', '--', path], { maxOutputBytes: 4 * 1024 * 1024 });
    saved.set(path, read.code === 0 ? read.stdout : undefined);
  }
  return saved;
}

async function restoreContents(host: Host, saved: Map<string, string | undefined>, sites: string[]): Promise<void> {
  for (const [path, content] of saved) {
    if (content === undefined) {
      await host.run(['rm', '-f', '--', path]);
      const name = path.slice(path.lastIndexOf('/') + 1);
      if (sites.includes(name)) await host.run(['rm', '-f', '--', `${PATHS.sitesEnabled}/${name}`]);
    } else await host.upload(content, path, 0o644);
  }
}

import { HmsError } from '../../core/errors.js';
import { diffFiles, writeFiles, type ManagedFile } from '../files.js';
import type { Host } from '../host.js';
import { PATHS, appRoot, maintenanceFlag, type ProvisionInput } from '../input.js';
import type { Step } from '../step.js';
import type { Templates } from '../template-set.js';
import { ACME_ROOT, hostingDomain, siteCertificates } from './tls.js';

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

/** Provisioning's own sites besides the apps'. */
export const HOSTING_SITE = 'hosting';
export const DEFAULT_SITE = 'hms-default';
/** Debian's welcome site, enabled by the nginx package; only its link is removed. */
export const DEBIAN_DEFAULT_LINK = `${PATHS.sitesEnabled}/default`;
/** The one TLS configuration every site's 443 server includes (templates/nginx/tls.conf). */
export const TLS_SNIPPET = '/etc/nginx/snippets/hms-tls.conf';
/** Site names an app cannot take: provisioning's own, and Debian's that it disables. */
const RESERVED_SITES = new Set([HOSTING_SITE, DEFAULT_SITE, 'default']);

export function siteFiles(input: ProvisionInput, t: Templates): ManagedFile[] {
  const clash = input.apps.find(([name]) => RESERVED_SITES.has(name));
  if (clash) {
    throw new HmsError(
      `App "${clash[0]}" would share the nginx site ${PATHS.sitesAvailable}/${clash[0]} ` +
        `with ${clash[0] === 'default' ? "Debian's default site" : 'provisioning'}.`,
      {
        hint: `Rename the app in hms.config.json (apps.${clash[0]}), then run provisioning again.`,
      },
    );
  }
  const certs = new Map(siteCertificates(input).map((c) => [c.site, c]));
  const acme = input.server.acme;
  const hstsMaxAge = acme?.hstsMaxAge ?? 0;
  const http2 = input.server.http2 ? ' http2' : '';
  const tls = (site: string) => ({
    http2,
    certPath: certs.get(site)!.cert,
    keyPath: certs.get(site)!.key,
    acmeRoot: ACME_ROOT,
    tlsSnippet: TLS_SNIPPET,
    // One header: the agent's or an app's own (Rails' force_ssl) is hidden when nginx sends it.
    hsts:
      hstsMaxAge > 0
        ? `add_header Strict-Transport-Security "max-age=${hstsMaxAge}" always; proxy_hide_header Strict-Transport-Security;`
        : '# (no HSTS)',
  });
  const httpsRedirect = acme?.enabled
    ? 'if ($scheme = http) { return 301 https://$host$request_uri; }'
    : '# (HTTP serves the app too: servers.<server>.acme is off)';
  const file = (path: string, content: string): ManagedFile => ({ path, content, mode: 0o644, owner: 'root', group: 'root' });
  const site = (name: string, content: string): ManagedFile => ({
    path: `${PATHS.sitesAvailable}/${name}`,
    content,
    mode: 0o644,
    owner: 'root',
    group: 'root',
  });
  return [
    ...input.apps.map(([name, app]) =>
      site(
        name,
        t.fill('nginx/app.conf', {
          app: name,
          root: appRoot(name),
          domain: app.domain,
          maintenanceFlag: maintenanceFlag(name),
          maintenanceDir: PATHS.maintenanceDir,
          httpsRedirect,
          ...tls(name),
        }),
      ),
    ),
    site(
      HOSTING_SITE,
      t.fill('nginx/hosting.conf', { domain: hostingDomain(input), agentPort: input.server.agentPort, ...tls(HOSTING_SITE) }),
    ),
    site(DEFAULT_SITE, t.fill('nginx/default.conf', { http2 })),
    file(TLS_SNIPPET, t.fill('nginx/tls.conf', {})),
  ];
}

const siteNames = (input: ProvisionInput): string[] => [...input.apps.map(([name]) => name), HOSTING_SITE, DEFAULT_SITE];
const templateOf = (name: string): string => (name === HOSTING_SITE ? 'hosting' : name === DEFAULT_SITE ? 'default' : 'app');

export function nginxStep(input: ProvisionInput, t: Templates): Step {
  const files = () => siteFiles(input, t);
  return {
    id: 'nginx-sites',
    title: 'nginx sites for each app, the hosting vhost, and a default that refuses unknown names',
    doc: {
      why:
        'Each app on its domain over HTTP and HTTPS (proxy to the puma socket), the agent behind TLS on the hosting domain only, ' +
        `and ${DEFAULT_SITE} as the default server: a name no site claims gets its connection closed on 80 (444) ` +
        `and its TLS handshake refused on 443, never the agent nor an app. An app's site answers 503 with Retry-After ` +
        `while the agent's flag ${maintenanceFlag('<app>')} exists (a database restore's swap), tested per request. ` +
        "Debian's own default site is disabled (its link in sites-enabled removed; the file stays in sites-available, nothing is lost). " +
        'A new config is checked with `nginx -t` before nginx reloads; ' +
        'when the check fails, the previous files are put back and nginx keeps serving.',
      commands: [
        ...siteNames(input).map(
          (name) =>
            `templates/nginx/${templateOf(name)}.conf -> ${PATHS.sitesAvailable}/${name}; ` +
            `ln -sfn ../sites-available/${name} ${PATHS.sitesEnabled}/${name}`,
        ),
        `templates/nginx/tls.conf -> ${TLS_SNIPPET}   # TLS 1.2+, Mozilla intermediate ciphers, no session tickets, OCSP stapling`,
        `rm -f ${DEBIAN_DEFAULT_LINK}`,
        'nginx -t && systemctl reload nginx',
      ],
      verify: [
        'nginx -t',
        'curl -H "Host: <app domain>" http://127.0.0.1/up',
        'curl -k --resolve <app domain>:443:127.0.0.1 https://<app domain>/up',
        'curl -k --resolve unknown.invalid:443:127.0.0.1 https://unknown.invalid/   # handshake refused',
      ],
    },
    async check(host) {
      const changes = await diffFiles(host, files());
      for (const name of siteNames(input)) {
        const link = await host.run(['readlink', '--', `${PATHS.sitesEnabled}/${name}`]);
        if (link.code !== 0 || !link.stdout.trim().endsWith(`sites-available/${name}`)) changes.push(`${PATHS.sitesEnabled}/${name}: link`);
      }
      if ((await host.run(['stat', '-c', '%F', '--', DEBIAN_DEFAULT_LINK])).code === 0) changes.push(`${DEBIAN_DEFAULT_LINK}: disable`);
      const active = await host.run(['systemctl', 'is-active', 'nginx.service']);
      if (active.stdout.trim() !== 'active') changes.push('nginx.service: start');
      return changes;
    },
    async apply(host, changes) {
      const all = files();
      const previous = await saveContents(
        host,
        all.map((f) => f.path),
      );
      await writeFiles(host, all, changes);
      for (const name of siteNames(input))
        await host.must(['ln', '-sfn', `../sites-available/${name}`, `${PATHS.sitesEnabled}/${name}`], `enable site ${name}`);
      const putBack = changes.includes(`${DEBIAN_DEFAULT_LINK}: disable`) ? await disableDebianDefault(host) : async () => {};
      const test = await host.run(['nginx', '-t', '-q']);
      if (test.code !== 0) {
        await restoreContents(host, previous, siteNames(input));
        await putBack();
        throw new HmsError(
          'The rendered nginx configuration is invalid; the previous files were put back and nginx was not reloaded:\n' +
            test.stderr.trim(),
          {
            hint: 'Check the values that went into templates/nginx (domains, certificate paths), then run provisioning again.',
          },
        );
      }
      await host.must(['systemctl', 'reload-or-restart', 'nginx.service'], 'reload nginx');
    },
  };
}

/**
 * Takes Debian's default site out of sites-enabled: its link is removed (the file stays
 * in sites-available); a plain file there is moved to sites-available/default.before-hms.
 * Returns how to put it back.
 */
async function disableDebianDefault(host: Host): Promise<() => Promise<void>> {
  const link = await host.run(['readlink', '--', DEBIAN_DEFAULT_LINK]);
  if (link.code === 0) {
    await host.must(['rm', '-f', '--', DEBIAN_DEFAULT_LINK], `disable ${DEBIAN_DEFAULT_LINK}`);
    return async () => void (await host.run(['ln', '-sfn', link.stdout.trim(), DEBIAN_DEFAULT_LINK]));
  }
  const kept = `${PATHS.sitesAvailable}/default.before-hms`;
  await host.must(['mv', '-n', '--', DEBIAN_DEFAULT_LINK, kept], `move ${DEBIAN_DEFAULT_LINK} to ${kept}`);
  return async () => void (await host.run(['mv', '-n', '--', kept, DEBIAN_DEFAULT_LINK]));
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

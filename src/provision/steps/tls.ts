import { HmsError } from '../../core/errors.js';
import { PATHS, type ProvisionInput } from '../input.js';
import type { Step } from '../step.js';

/**
 * Where ACME HTTP-01 challenge files go (certbot --webroot -w ACME_ROOT); every site
 * serves /.well-known/acme-challenge/ from it on port 80. App names start with a
 * letter, so no app's /var/www/<app> can be this folder.
 */
export const ACME_ROOT = `${PATHS.appsRoot}/_acme`;

/** One site's certificate: ssl_config.<site> in .secrets.json, or the default paths for its domain. */
export interface SiteCertificate {
  site: string;
  domain: string;
  cert: string;
  key: string;
}

export function hostingDomain(input: ProvisionInput): string {
  return (
    input.secrets.ssl_config.hosting?.domain ?? (input.server.publicUrl ? new URL(input.server.publicUrl).hostname : 'hosting.remoteds.us')
  );
}

function certificateFor(input: ProvisionInput, site: string, fallbackDomain: string): SiteCertificate {
  const ssl = input.secrets.ssl_config[site];
  const domain = ssl?.domain ?? fallbackDomain;
  return {
    site,
    domain,
    cert: ssl?.cert_path ?? `/etc/nginx/ssl/${domain}/${domain}.crt`,
    key: ssl?.key_path ?? `/etc/nginx/ssl/${domain}/${domain}.key`,
  };
}

/** Each app's certificate, then the hosting vhost's. */
export function siteCertificates(input: ProvisionInput): SiteCertificate[] {
  return [
    ...input.apps.map(([name, app]) => certificateFor(input, name, app.domain)),
    certificateFor(input, 'hosting', hostingDomain(input)),
  ];
}

const subjectAltName = (domain: string): string => (/^[\d.]+$|:/.test(domain) ? `IP:${domain}` : `DNS:${domain}`);

/** openssl's argv for a 90-day self-signed placeholder; the name is in the subject and the SAN (browsers read only the SAN). */
export function placeholderArgv({ domain, cert, key }: SiteCertificate): string[] {
  return [
    'openssl',
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '90',
    '-subj',
    `/CN=${domain}`,
    '-addext',
    `subjectAltName=${subjectAltName(domain)}`,
    '-keyout',
    key,
    '-out',
    cert,
  ];
}

const dirOf = (file: string): string => file.slice(0, file.lastIndexOf('/')) || '/';

// Fixed script; the files are its arguments. Prints the ones that exist.
const PRESENT = 'for f in "$@"; do [ -e "$f" ] && printf "%s\\n" "$f"; done; exit 0';

export function tlsStep(input: ProvisionInput): Step {
  // Two sites may share one certificate (ssl_config naming the same files): made once.
  const sites = [...new Map(siteCertificates(input).map((s) => [s.cert, s])).values()];
  return {
    id: 'tls',
    title: 'A certificate for every site, and the ACME challenge folder',
    doc: {
      why:
        'Every site (each app and the hosting vhost) serves HTTPS with its own certificate (ssl_config.<site> in .secrets.json), ' +
        'so nginx needs one to start. ' +
        'Where none is installed yet, a self-signed placeholder lets nginx run; replace it with the real one at the same paths. ' +
        'An existing certificate or key is never overwritten. ' +
        `ACME challenges (certbot --webroot) are served from ${ACME_ROOT} on port 80 for every site.`,
      commands: [
        ...sites.map(
          (s) => `test -f ${s.cert} || { install -d -m 755 ${dirOf(s.cert)}; ${placeholderArgv(s).join(' ')}; chmod 600 ${s.key}; }`,
        ),
        `install -d -m 755 ${ACME_ROOT}/.well-known/acme-challenge`,
      ],
      verify: [
        ...sites.map((s) => `openssl x509 -in ${s.cert} -noout -subject -enddate`),
        `ls -ld ${ACME_ROOT}/.well-known/acme-challenge`,
      ],
    },
    async check(host) {
      const acme = `${ACME_ROOT}/.well-known/acme-challenge`;
      const output = await host.must(
        ['sh', '-c', PRESENT, 'present', ...sites.flatMap((s) => [s.cert, s.key]), acme],
        'Looking for the certificates',
      );
      const present = new Set(output.split('\n').filter(Boolean));
      const changes = sites.flatMap((s) => {
        if (present.has(s.cert) && present.has(s.key)) return [];
        if (!present.has(s.cert) && !present.has(s.key)) return [`${s.cert}: create a self-signed placeholder for ${s.domain}`];
        return [`${s.cert}: ${present.has(s.cert) ? `its key ${s.key} is missing` : `missing, but its key ${s.key} exists`}`];
      });
      return present.has(acme) ? changes : [...changes, `${acme}: create`];
    },
    async apply(host, changes) {
      const targets = new Set(changes.map((c) => c.slice(0, c.indexOf(': '))));
      for (const site of sites.filter((s) => targets.has(s.cert))) {
        const change = changes.find((c) => c.startsWith(`${site.cert}: `))!;
        if (!change.includes('self-signed placeholder')) {
          throw new HmsError(`${site.site}: ${change}. A certificate and its key are never overwritten, so no placeholder was made.`, {
            hint:
              `Install both files (ssl_config.${site.site} in .secrets.json names them), or remove the one left alone, ` +
              `then run \`hms provision ${input.serverName}\` again.`,
          });
        }
        for (const dir of new Set([dirOf(site.cert), dirOf(site.key)]))
          await host.must(['install', '-d', '-m', '755', dir], `create ${dir}`);
        await host.must(placeholderArgv(site), `openssl req (a placeholder certificate for ${site.domain})`);
        await host.must(['chmod', '600', site.key], `chmod ${site.key}`);
      }
      const acme = `${ACME_ROOT}/.well-known/acme-challenge`;
      if (targets.has(acme)) await host.must(['install', '-d', '-m', '755', acme], `create ${acme}`);
    },
  };
}

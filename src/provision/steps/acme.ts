import { HmsError } from '../../core/errors.js';
import {
  CERT_SITES_DIR,
  CERT_STATE_DIR,
  CERTBOT_HOOK,
  directoryUrl,
  LIVE_DIR,
  RENEWAL_DIR,
  requestCertificate,
  type AcmeConfig,
} from '../certs/certbot.js';
import { laptopActor } from '../../client/actor.js';
import { AUDIT_LOG, appendAudit } from '../certs/audit.js';
import { installPackage, packageInstalled } from '../debian-package.js';
import { diffFiles, writeFiles, type ManagedFile } from '../files.js';
import type { ProvisionInput } from '../input.js';
import type { Step } from '../step.js';
import type { Templates } from '../template-set.js';
import { ACME_ROOT, siteCertificates, type SiteCertificate } from './tls.js';

/** Requests that failed while everything else is in place: the sites serve what they had; the agent can still be installed. */
export class CertificateRequestError extends HmsError {}

export const wantsAcme = (input: ProvisionInput): boolean => input.server.acme?.enabled === true;

/** Sites that share one certificate file (ssl_config naming the same paths) get one lineage, the first site's. */
export const acmeSites = (input: ProvisionInput): SiteCertificate[] => [
  ...new Map(siteCertificates(input).map((s) => [s.cert, s])).values(),
];

export function acmeFiles(input: ProvisionInput, t: Templates): ManagedFile[] {
  const file = (path: string, content: string, mode: number): ManagedFile => ({ path, content, mode, owner: 'root', group: 'root' });
  return [
    file(
      CERTBOT_HOOK,
      t.fill('certbot/deploy-hook', { sitesDir: CERT_SITES_DIR, stateDir: CERT_STATE_DIR, liveDir: LIVE_DIR, auditLog: AUDIT_LOG }),
      0o755,
    ),
    ...acmeSites(input).map((s) => file(`${CERT_SITES_DIR}/${s.site}`, `${s.cert}\n${s.key}\n`, 0o644)),
  ];
}

// Fixed script; its arguments are the directory URL, then site, domain and certificate path per site.
// Prints one line per site whose served certificate is not its current ACME certificate for that domain and CA.
const SITES_DUE = [
  'server=$1; shift',
  'while [ $# -ge 3 ]; do site=$1 domain=$2 cert=$3; shift 3',
  `  [ -e ${CERT_STATE_DIR}/$site.manual ] && continue`,
  `  live=${LIVE_DIR}/$site/fullchain.pem`,
  '  if [ ! -f "$live" ]; then echo "$site none"',
  `  elif ! grep -qxF "server = $server" ${RENEWAL_DIR}/$site.conf; then echo "$site other-ca"`,
  '  elif ! openssl x509 -in "$live" -noout -checkhost "$domain" | grep -q "does match"; then echo "$site other-name"',
  '  elif ! cmp -s "$live" "$cert"; then echo "$site not-served"',
  '  fi',
  'done',
].join('\n');

const REASONS: Record<string, string> = {
  none: 'request a certificate',
  'other-ca': 'request a certificate (acme.directory changed)',
  'other-name': 'request a certificate (the domain changed)',
  'not-served': 'serve the certificate certbot holds',
};

function requestDoc(input: ProvisionInput, acme: AcmeConfig): string[] {
  return acmeSites(input).map(
    (s) =>
      `certbot certonly --non-interactive --agree-tos --email ${acme.email} --server ${directoryUrl(acme)} ` +
      `--webroot -w ${ACME_ROOT} --cert-name ${s.site} -d ${s.domain} --deploy-hook ${CERTBOT_HOOK} --keep-until-expiring`,
  );
}

export function acmeStep(input: ProvisionInput, t: Templates): Step {
  const acme = input.server.acme;
  const files = () => acmeFiles(input, t);
  const sites = wantsAcme(input) ? acmeSites(input) : [];
  const change = (s: SiteCertificate, reason: string) =>
    `${s.site}: ${REASONS[reason] ?? reason} for ${s.domain} from ${directoryUrl(acme!)}`;
  return {
    id: 'acme',
    title: 'The certificate hook; ACME certificates for every site (certbot)',
    doc: {
      why:
        "Debian's certbot requests each site's certificate over HTTP-01 (webroot: the challenge files go to " +
        `${ACME_ROOT}, which every site serves on port 80) from servers.<server>.acme.directory. ` +
        `Its deploy hook (${CERTBOT_HOOK}) copies a new certificate to the paths the site's nginx server reads, ` +
        'keeps the replaced files as .previous, and reloads nginx only after `nginx -t` passes. ' +
        "certbot.timer (Debian's, twice a day) renews what is due and runs the same hook. " +
        'A site serves its current certificate (the placeholder at first) until a new one is in place; ' +
        'a failed request changes nothing it serves. ' +
        'With servers.<server>.acme off, only the hook is installed (`hms certs install` uses it).',
      commands: [
        'apt-get install -y --no-install-recommends certbot',
        `templates/certbot/deploy-hook -> ${CERTBOT_HOOK}`,
        ...acmeSites(input).map((s) => `printf '%s\\n' ${s.cert} ${s.key} > ${CERT_SITES_DIR}/${s.site}`),
        ...(acme ? requestDoc(input, acme) : []),
      ],
      verify: ['hms certs', 'systemctl list-timers certbot.timer', 'certbot certificates'],
    },
    async check(host) {
      if (!wantsAcme(input)) return diffFiles(host, files());
      if (!(await packageInstalled(host, 'certbot')))
        return ['certbot: install', ...(await diffFiles(host, files())), ...sites.map((s) => change(s, 'none'))];
      const due = await host.must(
        ['sh', '-c', SITES_DUE, 'due', directoryUrl(acme!), ...sites.flatMap((s) => [s.site, s.domain, s.cert])],
        'Comparing the certificates with certbot',
      );
      const bySite = new Map(sites.map((s) => [s.site, s]));
      const certChanges = due
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' '))
        .filter(([site]) => bySite.has(site!))
        .map(([site, reason]) => change(bySite.get(site!)!, reason!));
      return [...(await diffFiles(host, files())), ...certChanges];
    },
    async apply(host, changes) {
      if (changes.includes('certbot: install')) await installPackage(host, 'certbot', 'apt-get install certbot');
      await host.must(['install', '-d', '-m', '755', '/usr/local/lib/hms', CERT_SITES_DIR, CERT_STATE_DIR], 'create the hook folders');
      await writeFiles(host, files(), changes);
      const failed: string[] = [];
      for (const site of sites) {
        const due = changes.find((c) => c.startsWith(`${site.site}: `) && c.includes(' for '));
        if (!due) continue;
        const attempt = await requestCertificate(host, acme!, site, { force: due.includes('changed') });
        await appendAudit(host, {
          actor: laptopActor(),
          action: 'cert.request',
          target: site.site,
          result: attempt.ok ? 'ok' : 'failed',
          detail: attempt.message ?? `${site.domain} from ${directoryUrl(acme!)} (hms provision)`,
        });
        if (!attempt.ok) failed.push(`${site.site} (${site.domain}): ${attempt.message}`);
      }
      if (failed.length > 0) {
        throw new CertificateRequestError(
          `No new certificate for ${failed.length} site(s); each keeps serving the certificate it had:\n${failed.join('\n')}`,
          {
            hint:
              'Fix what each line says, then run `hms certs renew` ' +
              `(or \`hms provision ${input.serverName}\`); \`hms certs\` shows every site.`,
          },
        );
      }
    },
  };
}

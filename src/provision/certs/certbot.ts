/**
 * Certificates from an ACME CA with Debian's certbot (webroot, HTTP-01): the argv of a
 * request, where certbot and the deploy hook keep their files, and one request run
 * with what it means when it fails. certbot renews on its own systemd timer
 * (certbot.timer, twice a day) and runs the same deploy hook.
 */
import { ACME_DIRECTORIES, type ServerConfig } from '../../config/schema.js';
import { explainAcmeFailure, type CertAttempt } from '../../core/certificates.js';
import type { Host } from '../host.js';
import { PATHS } from '../input.js';
import { ACME_ROOT, type SiteCertificate } from '../steps/tls.js';

export const CERTBOT_HOOK = '/usr/local/lib/hms/certbot-deploy-hook';
/** Per site: a file with the certificate path, then the key path, that the hook copies a new certificate to. */
export const CERT_SITES_DIR = `${PATHS.configDir}/certificates`;
/** Per site: <site>.attempt (the last request: ok or failed, when, why) and <site>.installed (the hook's last copy). */
export const CERT_STATE_DIR = `${PATHS.stateDir}/certificates`;
export const LIVE_DIR = '/etc/letsencrypt/live';
export const RENEWAL_DIR = '/etc/letsencrypt/renewal';

export type AcmeConfig = NonNullable<ServerConfig['acme']>;

export const directoryUrl = (acme: AcmeConfig): string =>
  acme.directory in ACME_DIRECTORIES ? ACME_DIRECTORIES[acme.directory as keyof typeof ACME_DIRECTORIES] : acme.directory;

/** Bounded in time and address space: a CA that hangs or a runaway process cannot hold provisioning. */
const bounded = (seconds: number): string[] => ['timeout', '--kill-after=10', String(seconds), 'prlimit', '--as=2147483648', '--'];

export function certbotRequestArgv(acme: AcmeConfig, site: SiteCertificate, options: { force?: boolean } = {}): string[] {
  return [
    ...bounded(240),
    'certbot',
    'certonly',
    '--non-interactive',
    '--agree-tos',
    '--no-eff-email',
    '--email',
    acme.email,
    '--server',
    directoryUrl(acme),
    '--webroot',
    '--webroot-path',
    ACME_ROOT,
    '--cert-name',
    site.site,
    '--domain',
    site.domain,
    '--deploy-hook',
    CERTBOT_HOOK,
    options.force ? '--force-renewal' : '--keep-until-expiring',
  ];
}

/** The hook for one lineage, run by hand: installs the lineage's certificate when the site serves another one. */
export const installLineageArgv = (site: string): string[] => ['env', `RENEWED_LINEAGE=${LIVE_DIR}/${site}`, ...bounded(60), CERTBOT_HOOK];

const attemptLine = (attempt: CertAttempt): string =>
  `${attempt.ok ? 'ok' : 'failed'} ${attempt.at}${attempt.message ? ` ${attempt.message.replace(/\s+/g, ' ')}` : ''}\n`;

export async function recordAttempt(host: Host, site: string, attempt: CertAttempt): Promise<void> {
  await host.must(['install', '-d', '-m', '755', CERT_STATE_DIR], `create ${CERT_STATE_DIR}`);
  await host.upload(attemptLine(attempt), `${CERT_STATE_DIR}/${site}.attempt`, 0o644);
}

/**
 * One request (or forced renewal) for a site, then the hook so the site serves it. On
 * failure nothing the site serves is touched; the attempt is recorded either way.
 */
export async function requestCertificate(
  host: Host,
  acme: AcmeConfig,
  site: SiteCertificate,
  options: { force?: boolean; now?: () => Date } = {},
): Promise<CertAttempt> {
  const at = (options.now?.() ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  const run = await host.run(certbotRequestArgv(acme, site, options), { timeoutMs: 270_000, maxOutputBytes: 1024 * 1024 });
  let attempt: CertAttempt;
  if (run.code === 0) {
    const installed = await host.run(installLineageArgv(site.site), { timeoutMs: 90_000 });
    attempt =
      installed.code === 0
        ? { at, ok: true }
        : {
            at,
            ok: false,
            message: `the new certificate was not installed: ${installed.stderr.trim().slice(0, 300)}; the previous one is kept.`,
          };
  } else {
    // certbot's log of this run (it starts a new one per run) holds the CA's problem document even when certbot crashes on it.
    const log = await host.run(['tail', '-c', '262144', '/var/log/letsencrypt/letsencrypt.log'], { maxOutputBytes: 300_000 });
    const said = `${run.stdout}\n${run.stderr}\n${log.code === 0 ? log.stdout : ''}`;
    attempt = { at, ok: false, message: explainAcmeFailure(said, site.site, site.domain).message };
  }
  await recordAttempt(host, site.site, attempt);
  return attempt;
}

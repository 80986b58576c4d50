/** `hms certs renew`: a request per site (due ones only, or all with force), each installed by the deploy hook and audited. */
import type { CertAttempt } from '../../core/certificates.js';
import { HmsError } from '../../core/errors.js';
import type { Host } from '../host.js';
import type { ProvisionInput } from '../input.js';
import { acmeSites } from '../steps/acme.js';
import type { SiteCertificate } from '../steps/tls.js';
import { appendAudit } from './audit.js';
import { CERT_STATE_DIR, requestCertificate } from './certbot.js';

/** The site `name` names, from the configured ones only; an unknown name is refused with the known ones. */
export function pickSite(input: ProvisionInput, name: string | undefined): SiteCertificate[] {
  const sites = acmeSites(input);
  if (name === undefined) return sites;
  const site = sites.find((s) => s.site === name);
  if (!site) {
    throw new HmsError(`No site "${name}" on ${input.serverName}.`, { hint: `Sites: ${sites.map((s) => s.site).join(', ')}.` });
  }
  return [site];
}

export interface RenewResult {
  site: string;
  domain: string;
  attempt: CertAttempt;
}

export async function renewCertificates(
  host: Host,
  input: ProvisionInput,
  options: { site?: string | undefined; force: boolean; actor: string },
): Promise<RenewResult[]> {
  const acme = input.server.acme;
  if (!acme?.enabled) {
    throw new HmsError(`ACME is off for ${input.serverName}: nothing requests certificates there.`, {
      hint: `Set servers.${input.serverName}.acme (email, directory) in hms.config.json and run \`hms provision ${input.serverName}\`.`,
    });
  }
  const results: RenewResult[] = [];
  for (const site of pickSite(input, options.site)) {
    // A certificate installed by hand stays until a forced renewal of that site hands it back to ACME.
    const manual = await host.run(['test', '-e', `${CERT_STATE_DIR}/${site.site}.manual`]);
    if (manual.code === 0 && !(options.force && options.site)) continue;
    if (manual.code === 0) await host.must(['rm', '-f', '--', `${CERT_STATE_DIR}/${site.site}.manual`], 'hand the site back to ACME');
    const attempt = await requestCertificate(host, acme, site, { force: options.force });
    await appendAudit(host, {
      actor: options.actor,
      action: options.force ? 'cert.renew.force' : 'cert.renew',
      target: site.site,
      result: attempt.ok ? 'ok' : 'failed',
      ...(attempt.message ? { detail: attempt.message } : {}),
    });
    results.push({ site: site.site, domain: site.domain, attempt });
  }
  return results;
}

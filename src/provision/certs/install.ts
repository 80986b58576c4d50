/**
 * `hms certs install <site> --cert F --key F`: a certificate bought or made elsewhere.
 * Everything is checked on the laptop before anything is written: the key matches the
 * certificate, each certificate of the chain is signed by the next, the site's domain
 * is among its names, and it is valid now and for more than a day. Then the files go
 * to a staging folder on the server and the deploy hook installs them as it installs
 * certbot's (previous files kept, `nginx -t` before the reload, put back on failure).
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { HmsError } from '../../core/errors.js';
import type { Host } from '../host.js';
import type { ProvisionInput } from '../input.js';
import type { SiteCertificate } from '../steps/tls.js';
import { appendAudit } from './audit.js';
import { CERT_SITES_DIR, CERT_STATE_DIR, CERTBOT_HOOK } from './certbot.js';
import { pickSite } from './renew.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export interface CheckedCertificate {
  names: string[];
  issuer: string;
  notAfter: string;
  chainLength: number;
}

const refuse = (message: string, hint: string): never => {
  throw new HmsError(message, { hint: `${hint} Nothing was written; the site keeps its certificate.` });
};

/** The checks, on the laptop; throws what is wrong and what to do. */
export function checkCertificate(site: SiteCertificate, certPem: string, keyPem: string, now = new Date()): CheckedCertificate {
  const blocks = certPem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) refuse('The certificate file holds no PEM certificate.', 'Give --cert the PEM file (BEGIN CERTIFICATE).');
  const chain = blocks.map((b) => new X509Certificate(b));
  const leaf = chain[0]!;
  let key: KeyObject | undefined;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    refuse(`The key file is not a private key (${(error as Error).message}).`, 'Give --key the PEM private key, unencrypted.');
  }
  if (!leaf.checkPrivateKey(key!)) {
    refuse(
      `The key does not match the certificate for ${leaf.subject.replace(/\n/g, ', ')}.`,
      'Give --key the key the certificate was issued for.',
    );
  }
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!chain[i]!.checkIssued(chain[i + 1]!) || !chain[i]!.verify(chain[i + 1]!.publicKey)) {
      refuse(
        `Certificate ${i + 1} of the chain is not signed by certificate ${i + 2}.`,
        'Put the site certificate first, then each issuer in order.',
      );
    }
  }
  const last = chain.at(-1)!;
  const selfSigned = last.checkIssued(last);
  if (chain.length === 1 && !selfSigned) {
    refuse(
      `The file holds only the site's certificate; its issuer (${last.issuer.replace(/\n/g, ', ')}) is missing.`,
      'Append the intermediate certificate(s) your CA gave you to the --cert file.',
    );
  }
  const isIp = /^[\d.]+$|:/.test(site.domain);
  if (!(isIp ? leaf.checkIP(site.domain) : leaf.checkHost(site.domain))) {
    refuse(
      `The certificate is not for ${site.domain} (it names ${leaf.subjectAltName ?? leaf.subject}).`,
      `Use a certificate whose names include ${site.domain}.`,
    );
  }
  const notAfter = new Date(leaf.validTo);
  if (new Date(leaf.validFrom) > now) refuse(`The certificate is not valid before ${leaf.validFrom}.`, 'Install it once it is valid.');
  if (notAfter.getTime() - now.getTime() < 86_400_000) {
    refuse(
      `The certificate expires ${notAfter.toISOString()}${notAfter < now ? ' (expired)' : ''}.`,
      'Renew it with your CA, then install the new one.',
    );
  }
  return {
    names: (leaf.subjectAltName ?? '').split(', ').map((n) => n.replace(/^(DNS|IP Address):/, '')),
    issuer: leaf.issuer.replace(/\n/g, ', '),
    notAfter: notAfter.toISOString(),
    chainLength: chain.length,
  };
}

export async function installCertificate(
  host: Host,
  input: ProvisionInput,
  options: { site: string; certPem: string; keyPem: string; actor: string },
): Promise<CheckedCertificate & { site: string }> {
  const [site] = pickSite(input, options.site);
  const checked = checkCertificate(site!, options.certPem, options.keyPem);
  if ((await host.run(['test', '-x', CERTBOT_HOOK])).code !== 0) {
    throw new HmsError(`${input.serverName} has no certificate hook yet.`, { hint: `Run \`hms provision ${input.serverName}\` first.` });
  }
  const staging = `${CERT_STATE_DIR}/by-hand/${site!.site}`;
  await host.must(['install', '-d', '-m', '700', `${CERT_STATE_DIR}/by-hand`, staging], `create ${staging}`);
  await host.upload(`${site!.cert}\n${site!.key}\n`, `${CERT_SITES_DIR}/${site!.site}`, 0o644);
  await host.upload(options.keyPem, `${staging}/privkey.pem`, 0o600);
  await host.upload(options.certPem, `${staging}/fullchain.pem`, 0o644);
  const run = await host.run(['env', `RENEWED_LINEAGE=${staging}`, 'timeout', '60', CERTBOT_HOOK], { timeoutMs: 90_000 });
  const result = run.code === 0 ? 'ok' : 'failed';
  await appendAudit(host, {
    actor: options.actor,
    action: 'cert.install',
    target: site!.site,
    result,
    detail: `by hand; expires ${checked.notAfter}`,
  });
  if (run.code !== 0) {
    throw new HmsError(`The certificate for ${site!.site} was not installed: ${(run.stderr || run.stdout).trim().slice(0, 400)}`, {
      hint: 'The previous certificate was put back and nginx keeps serving it; see `nginx -t` on the server.',
    });
  }
  await host.upload(`${new Date().toISOString()}\n`, `${CERT_STATE_DIR}/${site!.site}.manual`, 0o644);
  return { site: site!.site, ...checked };
}

/** What each site serves, read on the server in one command: names, issuer, expiry, the last ACME attempt, certbot's next run. */
import { daysBetween, gradeCertificate, parseAttempt, type CertRecord } from '../../core/certificates.js';
import type { Host } from '../host.js';
import type { SiteCertificate } from '../steps/tls.js';
import { CERT_STATE_DIR } from './certbot.js';

// Fixed script; its arguments are pairs of site and certificate path.
const READ = [
  'while [ $# -ge 2 ]; do site=$1 cert=$2; shift 2',
  '  echo "@site $site"',
  '  openssl x509 -in "$cert" -noout -nameopt RFC2253 -issuer -subject -enddate -serial -ext subjectAltName 2>/dev/null || echo missing',
  `  [ -f ${CERT_STATE_DIR}/$site.attempt ] && sed 's/^/attempt=/' ${CERT_STATE_DIR}/$site.attempt`,
  `  [ -f ${CERT_STATE_DIR}/$site.manual ] && echo manual=1`,
  'done',
  'echo "@timer $(systemctl show certbot.timer -p NextElapseUSecRealtime --value 2>/dev/null)"',
].join('\n');

export function readArgv(sites: SiteCertificate[]): string[] {
  return ['sh', '-c', READ, 'certs', ...sites.flatMap((s) => [s.site, s.cert])];
}

const field = (block: string, name: string): string => new RegExp(`^${name}=(.*)$`, 'm').exec(block)?.[1]?.trim() ?? '';
const commonName = (dn: string): string => /(?:^|,)CN=([^,]+)/.exec(dn)?.[1] ?? dn;

/** systemd's "Mon 2026-12-07 14:33:00 UTC" as ISO 8601; anything else as it is. */
function timerTime(text: string): string | undefined {
  const match = /(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) UTC/.exec(text);
  if (match) return `${match[1]}T${match[2]}Z`;
  return text.trim() && text.trim() !== 'n/a' ? text.trim() : undefined;
}

export function parseInventory(output: string, sites: SiteCertificate[], now: Date, acme: boolean): CertRecord[] {
  const blocks = new Map(
    output
      .split(/^@site /m)
      .slice(1)
      .map((block) => [block.slice(0, block.indexOf('\n')).trim(), block] as const),
  );
  const next = acme ? timerTime(/^@timer (.*)$/m.exec(output)?.[1] ?? '') : undefined;
  return sites.map((site) => {
    const block = blocks.get(site.site) ?? 'missing';
    const issuer = field(block, 'issuer');
    const notAfter = field(block, 'notAfter');
    const expires = notAfter ? new Date(notAfter) : undefined;
    const daysLeft = expires && !Number.isNaN(expires.getTime()) ? daysBetween(expires, now) : -1;
    const lastAttempt = parseAttempt(field(block, 'attempt'));
    const manual = field(block, 'manual') === '1';
    return {
      site: site.site,
      domain: site.domain,
      names: [...block.matchAll(/(?:DNS|IP Address):([^,\s]+)/g)].map((m) => m[1]!),
      issuer: issuer ? commonName(issuer) : '(no certificate)',
      serial: field(block, 'serial'),
      notAfter: expires && !Number.isNaN(expires.getTime()) ? expires.toISOString() : '',
      daysLeft,
      selfSigned: issuer !== '' && issuer === field(block, 'subject'),
      ...(lastAttempt ? { lastAttempt } : {}),
      ...(next && !manual ? { nextAttempt: next } : {}),
      ...(manual ? { installedByHand: true } : {}),
      grade: gradeCertificate(daysLeft, lastAttempt),
    };
  });
}

export async function readCertificates(host: Host, sites: SiteCertificate[], acme: boolean, now = new Date()): Promise<CertRecord[]> {
  const output = await host.must(readArgv(sites), 'Reading the certificates');
  return parseInventory(output, sites, now, acme);
}

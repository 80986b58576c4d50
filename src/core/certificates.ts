/**
 * Certificates as every view shows them (`hms certs`, `hms doctor`): one record per
 * site, graded by days left and by the last renewal attempt, and what a failed ACME
 * request means for the person who has to fix it.
 */

/** Warn under this many days left; critical under CERT_CRITICAL_DAYS or when the last renewal failed. */
export const CERT_WARNING_DAYS = 21;
export const CERT_CRITICAL_DAYS = 7;

export type CertGrade = 'ok' | 'warning' | 'critical';

export interface CertAttempt {
  at: string;
  ok: boolean;
  /** Why it failed, in a sentence that says what to do. */
  message?: string;
}

export interface CertRecord {
  site: string;
  domain: string;
  /** Names in the certificate's subjectAltName. */
  names: string[];
  issuer: string;
  serial: string;
  notAfter: string;
  daysLeft: number;
  /** Self-signed: the placeholder provisioning made, or one installed by hand. */
  selfSigned: boolean;
  /** The last ACME request or renewal for this site, when hms made one. */
  lastAttempt?: CertAttempt;
  /** When certbot's timer next runs (renews what is due), when ACME is on. */
  nextAttempt?: string;
  /** Installed with `hms certs install`: ACME leaves the site alone until `hms certs renew <site> --force`. */
  installedByHand?: boolean;
  grade: CertGrade;
}

export function gradeCertificate(daysLeft: number, lastAttempt: CertAttempt | undefined): CertGrade {
  if (daysLeft < CERT_CRITICAL_DAYS || lastAttempt?.ok === false) return 'critical';
  return daysLeft < CERT_WARNING_DAYS ? 'warning' : 'ok';
}

/** hms's record of the last ACME attempt for a site: "ok <time>" or "failed <time> <why and what to do>". */
export function parseAttempt(text: string | undefined): CertAttempt | undefined {
  const match = /^(ok|failed) (\S+)(?: (.*))?$/.exec(text?.trim() ?? '');
  if (!match) return undefined;
  return { ok: match[1] === 'ok', at: match[2]!, ...(match[3] ? { message: match[3] } : {}) };
}

export const daysBetween = (notAfter: Date, now: Date): number => Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);

export type AcmeFailureKind = 'not-pointing-here' | 'port-80-closed' | 'dns' | 'rate-limit' | 'acme-server-down' | 'other';

const ACME_DOWN =
  /ConnectionError|Max retries exceeded|Failed to establish|Connection aborted|Connection refused|timed out|Unable to reach|50[234] /i;

/**
 * The problem the CA reported: certbot prints "Type: connection" for a failed challenge;
 * where certbot itself fails on the CA's answer (Debian's 2.1 on Python 3.11 raises
 * "AttributeError: can't set attribute" for some problem documents, certbot #9539), the
 * problem document is still in its log, which the caller appends to the output.
 */
function reportedProblem(output: string): { type?: string; detail?: string } {
  const printed = /Type:\s*(\w+)/.exec(output)?.[1];
  const logged = [...output.matchAll(/urn:ietf:params:acme:error:(\w+)/g)]
    .map((m) => m[1]!)
    .filter((t) => t !== 'badNonce')
    .at(-1);
  const detail = /Detail:\s*(.+)/.exec(output)?.[1] ?? [...output.matchAll(/"detail": "([^"]+)"/g)].at(-1)?.[1];
  return { ...((printed ?? logged) ? { type: printed ?? logged } : {}), ...(detail ? { detail: detail.trim() } : {}) };
}

/** What certbot's output (and its log) says went wrong, and what to do about it. */
export function explainAcmeFailure(output: string, site: string, domain: string): { kind: AcmeFailureKind; message: string } {
  const { type, detail } = reportedProblem(output);
  const retry = `then run \`hms certs renew ${site}\``;
  const said = detail ? ` (the CA said: ${detail.slice(0, 300)})` : '';
  if (type === 'rateLimited' || /too many (certificates|failed|new orders|requests)/i.test(output)) {
    return {
      kind: 'rate-limit',
      message:
        `the CA's rate limit was hit${said}. ` +
        `Wait until the limit resets (or test with acme.directory "letsencrypt-staging"), ${retry}.`,
    };
  }
  if (type === 'dns' || /NXDOMAIN|no valid A records|DNS problem/i.test(output)) {
    return {
      kind: 'dns',
      message: `${domain} does not resolve${said}. Add an A/AAAA record for ${domain} pointing at this server, ${retry}.`,
    };
  }
  if (type === 'unauthorized' || type === 'incorrectResponse') {
    return {
      kind: 'not-pointing-here',
      message: `the CA reached another server for ${domain}${said}. Point ${domain}'s A/AAAA records at this server, ${retry}.`,
    };
  }
  if (type === 'connection') {
    return {
      kind: 'port-80-closed',
      message:
        `the CA could not fetch the challenge from ${domain} on port 80${said}. ` +
        `Check that ${domain} points at this server and that port 80 is open to the world (firewall, security group), ${retry}.`,
    };
  }
  if (ACME_DOWN.test(output) || type === 'serverInternal') {
    return {
      kind: 'acme-server-down',
      message:
        'the ACME server could not be reached or failed. ' +
        `Check servers.<server>.acme.directory and the CA's status page, ${retry} later.`,
    };
  }
  const last = output.trim().split('\n').slice(-4).join(' ').slice(0, 400);
  return { kind: 'other', message: `certbot failed: ${last}. See /var/log/letsencrypt/letsencrypt.log on the server, ${retry}.` };
}

/**
 * Each site's certificate, read by the agent: the sites are the files `hms provision`
 * writes in certificatesDir (the certificate's path, then the key's), the certificate
 * is parsed in-process (node:crypto), the last ACME attempt is the one hms recorded in
 * <stateDir>/certificates/<site>.attempt, and certbot.timer says when it runs next.
 */
import { X509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { daysBetween, gradeCertificate, parseAttempt, type CertRecord } from '../../../src/core/certificates.js';
import { isName } from '../../../src/core/names.js';
import type { AgentDeps } from '../../env.js';

const readText = (file: string): Promise<string | undefined> => readFile(file, 'utf8').catch(() => undefined);

const oneLine = (dn: string): string => /CN=([^\n]+)/.exec(dn)?.[1] ?? dn.replace(/\n/g, ', ');

async function nextTimerRun(deps: AgentDeps): Promise<string | undefined> {
  const result = await deps.exec(['systemctl', 'show', 'certbot.timer', '-p', 'NextElapseUSecRealtime', '--value'], { timeoutMs: 5_000 });
  const match = /(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) UTC/.exec(result.stdout);
  return result.code === 0 && match ? `${match[1]}T${match[2]}Z` : undefined;
}

async function readSite(deps: AgentDeps, site: string, now: Date, next: string | undefined): Promise<CertRecord> {
  const stateDir = path.join(deps.config.stateDir, 'certificates');
  const [list, attemptText, manual] = await Promise.all([
    readText(path.join(deps.config.certificatesDir, site)),
    readText(path.join(stateDir, `${site}.attempt`)),
    readText(path.join(stateDir, `${site}.manual`)),
  ]);
  const certPath = list?.split('\n')[0] ?? '';
  const pem = certPath.startsWith('/') ? await readText(certPath) : undefined;
  const lastAttempt = parseAttempt(attemptText);
  let cert: X509Certificate | undefined;
  try {
    cert = pem ? new X509Certificate(pem) : undefined;
  } catch {
    cert = undefined;
  }
  const names = (cert?.subjectAltName ?? '')
    .split(', ')
    .filter(Boolean)
    .map((n) => n.replace(/^(DNS|IP Address):/, ''));
  const notAfter = cert ? new Date(cert.validTo) : undefined;
  const daysLeft = notAfter ? daysBetween(notAfter, now) : -1;
  return {
    site,
    domain: names[0] ?? '',
    names,
    issuer: cert ? oneLine(cert.issuer) : '(no certificate)',
    serial: cert?.serialNumber ?? '',
    notAfter: notAfter?.toISOString() ?? '',
    daysLeft,
    selfSigned: cert ? cert.checkIssued(cert) : false,
    ...(lastAttempt ? { lastAttempt } : {}),
    ...(next && manual === undefined && lastAttempt ? { nextAttempt: next } : {}),
    ...(manual !== undefined ? { installedByHand: true } : {}),
    grade: gradeCertificate(daysLeft, lastAttempt),
  };
}

export async function listCertificates(deps: AgentDeps): Promise<CertRecord[]> {
  const sites = (await readdir(deps.config.certificatesDir).catch(() => [] as string[])).filter(isName).sort();
  const now = deps.clock();
  const next = sites.length > 0 ? await nextTimerRun(deps) : undefined;
  return Promise.all(sites.map((site) => readSite(deps, site, now, next)));
}

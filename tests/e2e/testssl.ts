/**
 * Debian's testssl.sh as the outside grader of a site's TLS: run from the test host
 * against the test server's 443 for one name (no DNS: --ip, --nodns none), trusting
 * the test CA, bounded in time and address space. Its JSON findings and a short
 * summary are kept under test-artifacts/.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const TESTSSL = '/usr/bin/testssl';
export const testsslSupport = (): { ok: boolean; reason?: string } =>
  existsSync(TESTSSL) ? { ok: true } : { ok: false, reason: `no ${TESTSSL}: apt-get install testssl.sh` };

export interface Finding {
  id: string;
  severity: string;
  finding: string;
}

export async function gradeSite(options: { name: string; address: string; caFile: string; artifacts: string }): Promise<Finding[]> {
  await mkdir(options.artifacts, { recursive: true });
  const json = path.join(options.artifacts, `testssl-${options.name}.json`);
  await rm(json, { force: true });
  const argv = [
    '--as=4294967296',
    '--',
    TESTSSL,
    '--quiet',
    '--color',
    '0',
    '--warnings',
    'off',
    '--nodns',
    'none',
    '--ip',
    options.address,
    '--add-ca',
    options.caFile,
    '--connect-timeout',
    '10',
    '--openssl-timeout',
    '10',
    '--protocols',
    '--std',
    '--fs',
    '--server-defaults',
    '--header',
    '--vulnerable',
    '--jsonfile',
    json,
    `https://${options.name}/`,
  ];
  const output = await new Promise<string>((resolve) =>
    execFile('prlimit', argv, { timeout: 400_000, maxBuffer: 16 * 1024 * 1024, killSignal: 'SIGKILL' }, (_e, stdout, stderr) =>
      resolve(`${stdout}${stderr}`),
    ),
  );
  await writeFile(path.join(options.artifacts, `testssl-${options.name}.txt`), output);
  return JSON.parse(await readFile(json, 'utf8')) as Finding[];
}

/** One line per finding worth quoting: every protocol, HSTS, and anything MEDIUM or worse. */
export function summarize(name: string, findings: Finding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const quoted = findings.filter(
    (f) =>
      /^(SSLv2|SSLv3|TLS1|TLS1_1|TLS1_2|TLS1_3|HSTS_time|OCSP_stapling|ALPN_HTTP2|cert_chain_of_trust|cert_revocation)$/.test(f.id) ||
      /^(MEDIUM|HIGH|CRITICAL)$/.test(f.severity),
  );
  return [
    `testssl.sh against https://${name}/: ${[...counts].map(([s, n]) => `${s} ${n}`).join(', ')}`,
    ...quoted.map((f) => `  ${f.severity.padEnd(8)} ${f.id}: ${f.finding}`),
  ].join('\n');
}

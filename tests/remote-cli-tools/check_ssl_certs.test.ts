/**
 * check_ssl_certs.sh against real certificates made here with openssl:
 * self-signed with `openssl req -x509 -days N`, and an already expired one made
 * with `openssl ca -selfsign -startdate/-enddate` (OpenSSL 3.0 has no
 * -not_after and refuses negative -days; faketime is not available).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRITICAL, OK, UNKNOWN, WARNING, makeTempDir, parseJson, removeDir, runTool, which, writeFile } from './helpers.js';

interface Cert {
  path: string;
  status: string;
  days_left: number | null;
  not_after: string | null;
  subject: string | null;
  reason: string;
}
interface Report {
  status: string;
  exit_code: number;
  summary: string;
  certificates: Cert[];
}

const haveOpenssl = which('openssl') !== undefined;
let tmp: string;
const certs: Record<string, string> = {};

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A self-signed certificate valid for `days` days from now. */
function selfSigned(name: string, days: number, cn = `${name}.example`): string {
  const dir = path.join(tmp, 'certs', name);
  mkdirSync(dir, { recursive: true });
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      `${name}.crt`,
      '-days',
      String(days),
      '-subj',
      `/CN=${cn}`,
    ],
    dir,
  );
  return path.join(dir, `${name}.crt`);
}

/** A certificate that expired on 2020-02-01, signed by itself through a minimal `openssl ca`. */
function expired(): string {
  const dir = path.join(tmp, 'certs', 'expired');
  mkdirSync(path.join(dir, 'db'), { recursive: true });
  writeFileSync(path.join(dir, 'db', 'index.txt'), '');
  writeFileSync(path.join(dir, 'db', 'serial'), '01\n');
  writeFileSync(
    path.join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = CA_default',
      '[CA_default]',
      'database = ./db/index.txt',
      'new_certs_dir = ./db',
      'serial = ./db/serial',
      'default_md = sha256',
      'policy = policy_any',
      'unique_subject = no',
      'email_in_dn = no',
      '[policy_any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  openssl(
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'req.csr',
      '-subj',
      '/CN=expired.example',
    ],
    dir,
  );
  openssl(
    [
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-selfsign',
      '-keyfile',
      'key.pem',
      '-in',
      'req.csr',
      '-out',
      'expired.crt',
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20200201000000Z',
      '-notext',
    ],
    dir,
  );
  return path.join(dir, 'expired.crt');
}

beforeAll(() => {
  tmp = makeTempDir('ssl');
  if (!haveOpenssl) return;
  certs.long = selfSigned('long', 400);
  certs.soon = selfSigned('soon', 10);
  certs.urgent = selfSigned('urgent', 3);
  certs.expired = expired();
  certs.garbage = writeFile(path.join(tmp, 'certs', 'garbage.crt'), 'this is not a certificate\n');
  certs.empty = writeFile(path.join(tmp, 'certs', 'empty.crt'), '');
  certs.key = path.join(tmp, 'certs', 'long', 'key.pem');
}, 60_000);
afterAll(() => removeDir(tmp));

describe.skipIf(!haveOpenssl)('check_ssl_certs.sh with real certificates', () => {
  it('Given a certificate valid for 400 days, When checked, Then it is OK (exit 0) with the days left', async () => {
    const run = await runTool('check_ssl_certs.sh', [certs.long as string]);
    expect(run.code).toBe(OK);
    expect(run.stdout).toMatch(/^OK: 1 certificate\(s\): 1 ok/);
    expect(run.stdout).toMatch(/long\.crt: expires in (399|400) day\(s\) \(notAfter .* GMT\) \[CN=long\.example\]/);
  });

  it('Given a certificate expiring in 10 days, When checked with the defaults (21/7), Then it is WARNING (exit 1)', async () => {
    const run = await runTool('check_ssl_certs.sh', [certs.soon as string]);
    expect(run.code).toBe(WARNING);
    expect(run.stdout).toMatch(/^WARNING +.*soon\.crt: expires in (9|10) day\(s\) \(< 21\)/m);
  });

  it('Given a site whose last ACME renewal failed, When checked, Then it is CRITICAL with the reason hms recorded', async () => {
    const state = path.join(tmp, 'cert-state');
    await writeFile(path.join(state, 'cigar.attempt'), 'failed 2026-12-07T02:00:00Z the CA could not fetch the challenge. Open port 80\n');
    await writeFile(path.join(state, 'tobacco.attempt'), 'ok 2026-12-07T02:00:00Z\n');
    const run = await runTool('check_ssl_certs.sh', [certs.long as string], { env: { HMS_CERT_STATE_DIR: state } });
    expect(run.code).toBe(CRITICAL);
    expect(run.stdout).toMatch(/^CRITICAL +.*cigar\.attempt: last renewal of cigar failed at 2026-12-07T02:00:00Z: /m);
    expect(run.stdout).toMatch(/failed at 2026-12-07T02:00:00Z: the CA could not fetch the challenge\. Open port 80$/m);
    expect(run.stdout).not.toMatch(/tobacco/);
  });

  it('Given a certificate expiring in 3 days, When checked, Then it is CRITICAL (exit 2)', async () => {
    const run = await runTool('check_ssl_certs.sh', [certs.urgent as string]);
    expect(run.code).toBe(CRITICAL);
    expect(run.stdout).toMatch(/^CRITICAL +.*urgent\.crt: expires in (2|3) day\(s\) \(< 7\)/m);
  });

  it('Given an expired certificate, When checked, Then it is CRITICAL and says EXPIRED', async () => {
    const run = await runTool('check_ssl_certs.sh', ['--json', certs.expired as string]);
    const report = parseJson(run) as unknown as Report;
    expect(run.code).toBe(CRITICAL);
    expect(report.certificates[0]).toMatchObject({
      status: 'CRITICAL',
      not_after: 'Feb  1 00:00:00 2020 GMT',
      subject: 'CN=expired.example',
    });
    expect(report.certificates[0]?.days_left).toBeLessThan(-2000);
    expect(report.certificates[0]?.reason).toMatch(/^EXPIRED \d+ day\(s\) ago$/);
  });

  it('Given custom thresholds, When a 10-day certificate is checked with --warning 5 --critical 1, Then it is OK', async () => {
    const run = await runTool('check_ssl_certs.sh', ['--warning', '5', '--critical', '1', certs.soon as string]);
    expect(run.code).toBe(OK);
  });

  it('Given files that are not certificates, When checked, Then each is CRITICAL with the reason', async () => {
    const missing = path.join(tmp, 'certs', 'missing.crt');
    const dir = path.join(tmp, 'certs', 'long');
    const run = await runTool('check_ssl_certs.sh', [
      '--json',
      certs.garbage as string,
      certs.empty as string,
      certs.key as string,
      missing,
      dir,
    ]);
    const report = parseJson(run) as unknown as Report;
    expect(run.code).toBe(CRITICAL);
    expect(report.certificates.map((c) => [path.basename(c.path), c.status, c.reason])).toEqual([
      [
        'garbage.crt',
        'CRITICAL',
        expect.stringMatching(/^not an X\.509 certificate \(PEM or DER\): openssl x509 exit 1: Could not read certificate/),
      ],
      ['empty.crt', 'CRITICAL', 'file is empty, not a certificate'],
      ['key.pem', 'CRITICAL', expect.stringMatching(/^not an X\.509 certificate/)],
      ['missing.crt', 'CRITICAL', 'file not found'],
      ['long', 'CRITICAL', 'is a directory, not a certificate file'],
    ]);
  });

  it('Given a mix, When checked, Then the worst state wins and the summary counts each state', async () => {
    const run = await runTool('check_ssl_certs.sh', [certs.long as string, certs.soon as string, certs.expired as string]);
    expect(run.code).toBe(CRITICAL);
    expect(run.stdout).toMatch(/^CRITICAL: 3 certificate\(s\): 1 ok, 1 warning, 1 critical \(warning < 21 days, critical < 7 days\)/);
  });

  it('Given no arguments, When HMS_CERTS lists certificates, Then exactly those are checked', async () => {
    const run = await runTool('check_ssl_certs.sh', ['--json'], { env: { HMS_CERTS: `${certs.long} ${certs.soon}` } });
    const report = parseJson(run) as unknown as Report;
    expect(report.certificates.map((c) => c.path)).toEqual([certs.long, certs.soon]);
    expect(run.code).toBe(WARNING);
  });

  it('Given nginx/ssl and letsencrypt folders, When run without arguments, Then their certificates are discovered', async () => {
    const ssl = path.join(tmp, 'etc-nginx-ssl');
    const le = path.join(tmp, 'etc-letsencrypt-live');
    mkdirSync(path.join(ssl, 'cigar'), { recursive: true });
    mkdirSync(path.join(le, 'tobacco.example'), { recursive: true });
    execFileSync('cp', [certs.long as string, path.join(ssl, 'cigar', 'cigar.crt')]);
    execFileSync('cp', [certs.soon as string, path.join(le, 'tobacco.example', 'fullchain.pem')]);
    writeFile(path.join(ssl, 'cigar', 'cigar.key'), 'not looked at');

    const run = await runTool('check_ssl_certs.sh', ['--json'], { env: { HMS_NGINX_SSL_DIR: ssl, HMS_LETSENCRYPT_DIR: le } });
    const report = parseJson(run) as unknown as Report;

    expect(report.certificates.map((c) => [c.path, c.status])).toEqual([
      [path.join(ssl, 'cigar', 'cigar.crt'), 'OK'],
      [path.join(le, 'tobacco.example', 'fullchain.pem'), 'WARNING'],
    ]);
    expect(run.code).toBe(WARNING);
  });
});

describe('check_ssl_certs.sh without certificates or with bad arguments', () => {
  it('Given no certificate anywhere, When run, Then it is UNKNOWN (exit 3) and says where it looked', async () => {
    const nowhere = path.join(tmp ?? '/nonexistent', 'nowhere');
    const run = await runTool('check_ssl_certs.sh', [], {
      env: { HMS_NGINX_SSL_DIR: `${nowhere}/nginx-ssl`, HMS_LETSENCRYPT_DIR: `${nowhere}/le-live` },
    });
    expect(run.code).toBe(UNKNOWN);
    expect(run.stdout).toContain('UNKNOWN: no certificates found');
    expect(run.stdout).toContain(
      `looked in ${nowhere}/nginx-ssl/*.crt, ${nowhere}/nginx-ssl/*/*.crt and ${nowhere}/le-live/*/fullchain.pem`,
    );
    expect(run.stderr).toContain('no certificates found');

    const json = await runTool('check_ssl_certs.sh', ['--json'], {
      env: { HMS_NGINX_SSL_DIR: `${nowhere}/nginx-ssl`, HMS_LETSENCRYPT_DIR: `${nowhere}/le-live` },
    });
    expect(parseJson(json)).toMatchObject({ status: 'UNKNOWN', exit_code: 3, certificates: [] });
  });

  it.each([
    [['--critical', '40'], '--critical (40 days) must not be above --warning (21 days)'],
    [['--warning', '-1'], "--warning needs a number of days (0-9999), got '-1'"],
    [['--warning'], '--warning needs a value'],
    [['-x'], "unknown option '-x'"],
    [[''], 'empty certificate file name'],
  ])('Given bad arguments %j, When run, Then it explains on stderr and exits 3', async (args, message) => {
    const run = await runTool('check_ssl_certs.sh', args);
    expect(run.code).toBe(UNKNOWN);
    expect(run.stderr).toContain(message);
  });
});

/**
 * Real certificates on a bare server provisioned by `hms` alone: Debian's pebble runs
 * in the test server's network namespace (acme-ca.ts) and validates each HTTP-01
 * challenge by fetching it from the server's nginx on port 80. Every site ends up on a
 * pebble-signed certificate, a Chromium that trusts only pebble's root logs in with no
 * certificate error, a forced renewal swaps the served certificate while 50 clients
 * keep requesting, and the faults (CA down, a domain pointing elsewhere) leave every
 * site serving what it had, with an error that says what to do.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumSupport, launchBrowser } from '../support/browser.js';
import { runHms } from '../support/run-hms.js';
import { startTestServer, testServerSupport, type TestServer } from '../support/test-server.js';
import { ACME_ROOT } from '../../src/provision/steps/tls.js';
import { ACME_SITES, acmeLaptopConfig, startAcmeCa, type AcmeCa } from './acme-ca.js';
import { clientsDuring } from './tls-clients.js';
import { gradeSite, summarize, testsslSupport } from './testssl.js';
import { laptopFor } from './provision-laptop.js';

const support = testServerSupport();
if (!support.ok) console.warn(`[e2e] acme suite skipped: ${support.reason}`);
const SITES = ACME_SITES;

describe.skipIf(!support.ok)('ACME certificates from pebble for every site', { timeout: 600_000 }, () => {
  let server: TestServer | undefined;
  let ca: AcmeCa | undefined;
  let dir = '';
  let root = '';
  const hms = (args: string[]) => runHms(args, { cwd: dir, env: { HMS_NO_KEYCHAIN: '1' } });
  const sh = (script: string) => server!.exec(['sh', '-c', script], { timeoutMs: 60_000 });
  /** The certificate nginx presents for `name`, as openssl prints it, and whether it verifies against pebble's root. */
  const presented = async (name: string) => {
    const chain = await sh(
      `openssl s_client -connect 127.0.0.1:443 -servername ${name} -verify_hostname ${name} -CAfile /root/pebble-root.pem ` +
        '-verify_return_error </dev/null 2>&1',
    );
    const leaf = await sh(
      `openssl s_client -connect 127.0.0.1:443 -servername ${name} </dev/null 2>/dev/null | openssl x509 -noout -issuer -serial -enddate`,
    );
    return { verified: /Verify return code: 0 \(ok\)/.test(chain.stdout), leaf: leaf.stdout };
  };
  const serial = async (name: string) => /serial=(\w+)/.exec((await presented(name)).leaf)?.[1];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-acme-'));
    const config = acmeLaptopConfig({ hstsMaxAge: 31_536_000 });
    await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(config, null, 2));
    expect((await hms(['secrets', 'init'])).code).toBe(0);
    server = await startTestServer({ aptCache: true });
    await laptopFor(server, dir);
    ca = await startAcmeCa(server);
    const started = Date.now();
    const run = await hms(['full-deploy', 'test']);
    console.log(`[acme] full-deploy of a bare server, certificates included: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    root = await ca.root();
    await server.exec(['sh', '-c', 'cat > /root/pebble-root.pem'], { input: root });
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'Given a bare server provisioned with acme on, When each site is asked for over TLS, ' +
      'Then it presents a pebble-signed certificate that verifies',
    async () => {
      for (const name of Object.values(SITES)) {
        const { verified, leaf } = await presented(name);
        expect(leaf, name).toMatch(/issuer=.*Pebble Intermediate/);
        expect(verified, name).toBe(true);
      }
    },
  );

  it(
    'Given the sites on ACME, When plain HTTP is asked for, ' + 'Then the challenge folder is served and the rest redirects to HTTPS',
    async () => {
      const status = (url: string, host: string) =>
        sh(`curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --resolve ${host}:80:127.0.0.1 ${url}`).then((r) => r.stdout);
      expect(await status(`http://${SITES.cigar}/up`, SITES.cigar)).toBe(`301 https://${SITES.cigar}/up`);
      expect(await status(`http://${SITES.hosting}/api/health`, SITES.hosting)).toBe(`301 https://${SITES.hosting}/api/health`);
      expect(await status(`http://${SITES.cigar}/.well-known/acme-challenge/none`, SITES.cigar)).toMatch(/^404/);
      const hsts = await sh(
        `curl -s -D - -o /dev/null --cacert /root/pebble-root.pem --resolve ${SITES.hosting}:443:127.0.0.1 ` +
          `https://${SITES.hosting}/api/health`,
      );
      expect(hsts.stdout).toMatch(/strict-transport-security: max-age=31536000/i);
    },
  );

  it.skipIf(!chromiumSupport().ok)(
    'Given a Chromium that trusts only pebble’s root, When admin logs in at https://hosting.remoteds.us, ' +
      'Then the dashboard opens with no certificate error',
    async () => {
      const secrets = JSON.parse(await readFile(path.join(dir, '.secrets.json'), 'utf8'));
      const browser = await launchBrowser({ domain: SITES.hosting, address: server!.host, trustRoot: root });
      try {
        const response = await browser.page.goto(`https://${SITES.hosting}/`);
        expect(response?.ok()).toBe(true);
        const security = await response!.securityDetails();
        expect(security?.issuer).toMatch(/Pebble Intermediate/);
        expect(security?.protocol).toMatch(/TLS 1\.[23]/);
        await browser.page.fill('input[name=username]', 'admin');
        await browser.page.fill('input[name=password]', secrets.hosting_management.admin_password);
        await Promise.all([browser.page.waitForURL(`https://${SITES.hosting}/`), browser.page.click('button:has-text("Log in")')]);
        expect(await browser.page.locator('td strong', { hasText: 'cigar' }).count()).toBe(1);
        expect(await browser.page.locator('h2', { hasText: 'Certificates' }).count()).toBe(1);
        expect(browser.blocked).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    90_000,
  );

  it(
    'Given the certificates, When `hms certs --json` runs, ' +
      'Then each site lists its names, pebble as issuer, days left and a successful request',
    async () => {
      const run = await hms(['certs', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const { certificates } = JSON.parse(run.stdout);
      expect(certificates.map((c: { site: string }) => c.site).sort()).toEqual(['cigar', 'hosting', 'tobacco']);
      for (const c of certificates) {
        expect(c.names).toEqual([SITES[c.site as keyof typeof SITES]]);
        expect(c.issuer).toMatch(/Pebble Intermediate/);
        expect(c.daysLeft).toBeGreaterThan(30);
        expect(c.lastAttempt.ok).toBe(true);
        expect(c.grade).toBe('ok');
        expect(c.nextAttempt).toMatch(/^\d{4}-/);
      }
      const audit = (await sh('cat /var/lib/hosting-api/audit.jsonl')).stdout;
      for (const site of ['cigar', 'tobacco', 'hosting'])
        expect(audit).toContain(`"action":"cert.request","target":"${site}","result":"ok"`);
      const human = await hms(['certs']);
      expect(human.stdout).toMatch(/cigar\s+cigar\.remoteds\.us\s+Pebble Intermediate/);
    },
  );

  it('Given the provisioned server, When `hms provision` runs again, Then nothing changes and no certificate is requested', async () => {
    const before = await serial(SITES.cigar);
    const run = await hms(['provision', 'test']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/every step up to date; nothing changed/);
    expect(await serial(SITES.cigar)).toBe(before);
  });

  it(
    'Given the sites on their certificates, When `hms certs renew hosting --force` runs under 50 clients, ' +
      'Then the new serial is served and no request fails',
    async () => {
      const before = await serial(SITES.hosting);
      const started = Date.now();
      const { report, result } = await clientsDuring(
        { address: server!.host, name: SITES.hosting, path: '/api/health', ca: root, clients: 50 },
        () => hms(['certs', 'renew', 'hosting', '--force']),
      );
      console.log(
        `[acme] forced renewal of hosting: ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          `${report.ok} requests ok, ${report.failed} failed from 50 clients`,
      );
      expect(result.code, result.stderr + result.stdout).toBe(0);
      expect(report.failed, report.errors.slice(0, 5).join('\n')).toBe(0);
      expect(report.ok).toBeGreaterThan(50);
      const after = await serial(SITES.hosting);
      expect(after).not.toBe(before);
      expect([...report.serials].map((s) => s.toLowerCase())).toContain(after!.toLowerCase());
      expect((await sh('ls /etc/nginx/ssl/hosting.remoteds.us/')).stdout).toMatch(/\.crt\.previous/);
      const audit = await sh('tail -n 5 /var/lib/hosting-api/audit.jsonl');
      expect(audit.stdout).toMatch(/"action":"cert\.renew\.force","target":"hosting","result":"ok"/);
    },
  );

  it(
    'Given tobacco’s name resolving elsewhere, When a renewal is forced, ' +
      'Then it fails saying to point the domain at this server, and the site keeps serving',
    async () => {
      const before = await serial(SITES.tobacco);
      await ca!.resolve(SITES.tobacco, server!.hostSideAddress);
      try {
        const run = await hms(['certs', 'renew', 'tobacco', '--force']);
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/tobacco \(tobacco\.remoteds\.us\): FAILED: .*(points at this server|Point tobacco\.remoteds\.us)/);
        expect(await serial(SITES.tobacco)).toBe(before);
      } finally {
        await ca!.resolve(SITES.tobacco, server!.host);
      }
    },
  );

  it(
    'Given an expired certificate and a key that does not match, When `hms certs install` is given them, ' +
      'Then each is refused before anything is written, saying what to do',
    async () => {
      const make = [
        'set -e; d=$(mktemp -d); cd $d; touch index.txt; echo 01 > serial',
        "printf '[ca]\\ndefault_ca=d\\n[d]\\ndatabase=index.txt\\nnew_certs_dir=.\\nserial=serial\\ndefault_md=sha256\\n' > ca.cnf",
        "printf 'policy=p\\ncopy_extensions=copy\\n[p]\\ncommonName=supplied\\n' >> ca.cnf",
        'openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout old.key -out old.csr ' +
          `-subj /CN=${SITES.cigar} -addext subjectAltName=DNS:${SITES.cigar} 2>/dev/null`,
        'openssl ca -batch -config ca.cnf -selfsign -keyfile old.key -in old.csr ' +
          '-startdate 20200101000000Z -enddate 20200201000000Z -out old.pem 2>/dev/null',
        'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key 2>/dev/null',
        'echo $d',
      ].join('\n');
      const tmp = (await sh(make)).stdout.trim();
      const file = async (name: string, local: string) => writeFile(path.join(dir, local), (await sh(`cat ${tmp}/${name}`)).stdout);
      await file('old.pem', 'expired.pem');
      await file('old.key', 'expired.key');
      await file('other.key', 'other.key');
      await writeFile(path.join(dir, 'cigar-live.pem'), (await sh('cat /etc/nginx/ssl/cigar.remoteds.us/cigar.remoteds.us.crt')).stdout);
      const before = (await sh('sha256sum /etc/nginx/ssl/cigar.remoteds.us/*')).stdout;

      const expired = await hms(['certs', 'install', 'cigar', '--cert', 'expired.pem', '--key', 'expired.key']);
      expect(expired.code).toBe(1);
      expect(expired.stderr).toMatch(/expires 2020-02-01.*\(expired\)/);
      expect(expired.stderr).toMatch(/Renew it with your CA.*Nothing was written/s);
      const mismatched = await hms(['certs', 'install', 'cigar', '--cert', 'cigar-live.pem', '--key', 'other.key']);
      expect(mismatched.code).toBe(1);
      expect(mismatched.stderr).toMatch(/The key does not match the certificate/);
      expect((await sh('sha256sum /etc/nginx/ssl/cigar.remoteds.us/*')).stdout).toBe(before);
      expect((await presented(SITES.cigar)).verified).toBe(true);

      // A good pair (the one cigar serves, as a CA would hand it over) is installed, kept by hand, then handed back to ACME.
      await writeFile(path.join(dir, 'cigar-live.key'), (await sh('cat /etc/nginx/ssl/cigar.remoteds.us/cigar.remoteds.us.key')).stdout);
      const installed = await hms(['certs', 'install', 'cigar', '--cert', 'cigar-live.pem', '--key', 'cigar-live.key']);
      expect(installed.code, installed.stderr).toBe(0);
      expect(installed.stdout).toMatch(/cigar: installed \(cigar\.remoteds\.us; issuer .*Pebble Intermediate/);
      expect((await sh('stat -c %a /etc/nginx/ssl/cigar.remoteds.us/cigar.remoteds.us.key')).stdout.trim()).toBe('600');
      const byHand = JSON.parse((await hms(['certs', '--json'])).stdout).certificates.find((c: { site: string }) => c.site === 'cigar');
      expect(byHand.installedByHand).toBe(true);
      expect((await hms(['certs', 'renew', 'cigar'])).stdout).toBe('Nothing to renew.\n');
      const byHandSerial = await serial(SITES.cigar);
      const handedBack = await hms(['certs', 'renew', 'cigar', '--force']);
      expect(handedBack.code, handedBack.stdout).toBe(0);
      expect(await serial(SITES.cigar)).not.toBe(byHandSerial);
      expect((await presented(SITES.cigar)).verified).toBe(true);
      const audit = (await sh('tail -n 20 /var/lib/hosting-api/audit.jsonl')).stdout;
      expect(audit).toMatch(/"action":"cert\.install","target":"cigar","result":"ok","detail":"by hand/);
    },
  );

  // Last of the requests: pebble starts afresh (a new root, no accounts), as a real CA would not.
  it(
    'Given pebble killed mid-issuance (the challenge already written), When the forced renewal goes on, ' +
      'Then it fails saying the ACME server could not be reached, and the site keeps its certificate',
    async () => {
      const before = await serial(SITES.cigar);
      const killed = ca!.killOnChallenge(`${ACME_ROOT}/.well-known/acme-challenge`);
      try {
        const run = await hms(['certs', 'renew', 'cigar', '--force']);
        expect(await killed).toBe(true);
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/cigar \(cigar\.remoteds\.us\): FAILED: the ACME server could not be reached.*hms certs renew cigar/);
        expect(await serial(SITES.cigar)).toBe(before);
        expect((await presented(SITES.cigar)).verified).toBe(true);
        const list = JSON.parse((await hms(['certs', '--json'])).stdout);
        const cigar = list.certificates.find((c: { site: string }) => c.site === 'cigar');
        expect(cigar).toMatchObject({ grade: 'critical', lastAttempt: { ok: false } });
        expect((await sh('ls /etc/nginx/ssl/cigar.remoteds.us/')).stdout).not.toMatch(/\.new/);
      } finally {
        await ca!.stop();
        await ca!.start();
      }
    },
  );

  it.skipIf(!testsslSupport().ok)(
    'Given the hosting vhost (HSTS on) and an app, When testssl.sh grades their 443, ' +
      'Then nothing is HIGH or CRITICAL, only TLS 1.2 and 1.3 are offered, HTTP/2 too (ALPN h2), and HSTS is sent',
    async () => {
      const artifacts = path.resolve('test-artifacts');
      const caFile = path.join(dir, 'pebble-root.pem');
      await writeFile(caFile, root);
      const started = Date.now();
      const graded = await Promise.all(
        [SITES.hosting, SITES.cigar].map(async (name) => ({
          name,
          findings: await gradeSite({ name, address: server!.host, caFile, artifacts }),
        })),
      );
      const summary = graded.map(({ name, findings }) => summarize(name, findings)).join('\n\n');
      await writeFile(path.join(artifacts, 'testssl-summary.txt'), `${summary}\n`);
      console.log(`[acme] testssl.sh, two sites in parallel: ${((Date.now() - started) / 1000).toFixed(0)} s\n${summary}`);
      for (const { name, findings } of graded) {
        const byId = new Map(findings.map((f) => [f.id, f]));
        expect(
          findings.filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL'),
          name,
        ).toEqual([]);
        for (const old of ['SSLv2', 'SSLv3', 'TLS1', 'TLS1_1']) expect(byId.get(old)?.finding, `${name} ${old}`).toMatch(/not offered/);
        for (const current of ['TLS1_2', 'TLS1_3']) expect(byId.get(current)?.finding, `${name} ${current}`).toMatch(/^offered/);
        expect(byId.get('HSTS_time')?.finding, name).toMatch(/31536000/);
        expect(byId.get('ALPN_HTTP2')?.finding, name).toBe('h2');
      }
    },
    600_000,
  );
});

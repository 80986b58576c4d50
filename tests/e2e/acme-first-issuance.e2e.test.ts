/**
 * The first issuance on a bare server where one domain does not point at it yet
 * (pebble's DNS sends tobacco elsewhere): `hms full-deploy` still installs the agent,
 * every other site gets its certificate, tobacco serves its self-signed placeholder,
 * and the command fails saying what to do. Once the name points here,
 * `hms certs renew` finishes the job.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHms } from '../support/run-hms.js';
import { startTestServer, testServerSupport, type TestServer } from '../support/test-server.js';
import { ACME_SITES, acmeLaptopConfig, startAcmeCa, type AcmeCa } from './acme-ca.js';
import { laptopFor } from './provision-laptop.js';

const support = testServerSupport();
if (!support.ok) console.warn(`[e2e] acme-first-issuance suite skipped: ${support.reason}`);

describe.skipIf(!support.ok)('the first issuance with a domain not pointing here yet', { timeout: 600_000 }, () => {
  let server: TestServer | undefined;
  let ca: AcmeCa | undefined;
  let dir = '';
  const hms = (args: string[]) => runHms(args, { cwd: dir, env: { HMS_NO_KEYCHAIN: '1' } });
  const issuer = async (name: string) =>
    (
      await server!.exec([
        'sh',
        '-c',
        `openssl s_client -connect 127.0.0.1:443 -servername ${name} </dev/null 2>/dev/null | openssl x509 -noout -issuer`,
      ])
    ).stdout;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-acme-first-'));
    await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(acmeLaptopConfig(), null, 2));
    expect((await hms(['secrets', 'init'])).code).toBe(0);
    server = await startTestServer({ aptCache: true });
    await laptopFor(server, dir);
    ca = await startAcmeCa(server);
    await ca.resolve(ACME_SITES.tobacco, server.hostSideAddress);
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'Given tobacco resolving elsewhere, When `hms full-deploy` runs on the bare server, ' +
      'Then the agent is installed, the other sites are on the CA’s certificates, tobacco on its placeholder, ' +
      'and the error says what to do',
    async () => {
      const run = await hms(['full-deploy', 'test']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /Agent .+ is installed, but: No new certificate for 1 site\(s\); each keeps serving the certificate it had/,
      );
      expect(run.stderr).toMatch(/tobacco \(tobacco\.remoteds\.us\): .*(points at this server|Point tobacco\.remoteds\.us)/);
      expect(await issuer(ACME_SITES.cigar)).toMatch(/Pebble Intermediate/);
      expect(await issuer(ACME_SITES.hosting)).toMatch(/Pebble Intermediate/);
      expect(await issuer(ACME_SITES.tobacco)).toMatch(/CN ?= ?tobacco\.remoteds\.us/);
      const health = await server!.exec([
        'curl',
        '-sk',
        '--resolve',
        `${ACME_SITES.hosting}:443:127.0.0.1`,
        `https://${ACME_SITES.hosting}/api/health`,
      ]);
      expect(health.stdout).toMatch(/"status":"ok"/);
      const list = JSON.parse((await hms(['certs', '--json'])).stdout);
      expect(list.certificates.find((c: { site: string }) => c.site === 'tobacco')).toMatchObject({
        selfSigned: true,
        grade: 'critical',
        lastAttempt: { ok: false },
      });
    },
  );

  it(
    'Given tobacco now pointing here, When `hms certs renew` runs, ' +
      'Then tobacco gets its certificate and the others are left as they are',
    async () => {
      await ca!.resolve(ACME_SITES.tobacco, server!.host);
      const run = await hms(['certs', 'renew']);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^tobacco \(tobacco\.remoteds\.us\): ok$/m);
      expect(await issuer(ACME_SITES.tobacco)).toMatch(/Pebble Intermediate/);
      const provision = await hms(['provision', 'test']);
      expect(provision.stdout).toMatch(/every step up to date; nothing changed/);
    },
  );
});

/**
 * The agent's view of each site's certificate: the files `hms provision` leaves
 * (certificatesDir/<site>: certificate path, then key path; <stateDir>/certificates/
 * <site>.attempt), real certificates made with openssl, read through the API and
 * shown on the dashboard with days left graded as `hms certs` and doctor grade them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificatesResponseSchema } from '../../../src/api/certificates.js';
import { exec } from '../../../src/platform/exec.js';
import { AUTH, testAgent } from '../../support/agent.js';
import { BrowserSession } from '../../support/browser-session.js';

async function certificate(dir: string, name: string, days: number): Promise<string> {
  const file = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  const argv = `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days ${days} -keyout ${key} -out ${file}`;
  const made = await exec([...argv.split(' '), '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`], { timeoutMs: 20_000 });
  expect(made.code, made.stderr).toBe(0);
  return file;
}

describe('GET /api/certificates and the dashboard', () => {
  it('Given three sites (long-lived, 10 days left, a failed renewal), When listed, Then each is graded ok, warning, critical', async () => {
    const agent = await testAgent({ config: {} });
    const certificatesDir = path.join(agent.dir, 'certificates');
    const stateDir = path.join(agent.dir, 'state', 'certificates');
    await mkdir(certificatesDir, { recursive: true });
    await mkdir(stateDir, { recursive: true });
    const sites: Array<[string, string, number]> = [
      ['cigar', 'cigar.example.org', 80],
      ['hosting', 'hosting.example.org', 10],
      ['tobacco', 'tobacco.example.org', 60],
    ];
    for (const [site, domain, days] of sites) {
      const cert = await certificate(agent.dir, domain, days);
      await writeFile(path.join(certificatesDir, site), `${cert}\n${cert.replace(/\.crt$/, '.key')}\n`);
    }
    await writeFile(path.join(certificatesDir, '..hostile'), '/etc/shadow\n');
    await writeFile(path.join(stateDir, 'cigar.attempt'), 'ok 2026-12-07T02:00:00Z\n');
    await writeFile(
      path.join(stateDir, 'tobacco.attempt'),
      'failed 2026-12-07T02:00:00Z the CA could not fetch the challenge. Open port 80\n',
    );
    const deps = { ...agent.deps, config: { ...agent.deps.config, certificatesDir } };
    const { createApp } = await import('../../../server/app.js');
    const app = createApp(deps);

    const response = await app.request('/api/certificates', { headers: AUTH });
    expect(response.status).toBe(200);
    const { certificates } = certificatesResponseSchema.parse(await response.json());
    expect(certificates.map((c) => [c.site, c.grade, c.names[0]])).toEqual([
      ['cigar', 'ok', 'cigar.example.org'],
      ['hosting', 'warning', 'hosting.example.org'],
      ['tobacco', 'critical', 'tobacco.example.org'],
    ]);
    expect(certificates[1]!.daysLeft).toBeGreaterThanOrEqual(9);
    expect(certificates[1]!.selfSigned).toBe(true);
    expect(certificates[2]!.lastAttempt).toMatchObject({ ok: false, message: expect.stringMatching(/Open port 80/) });

    const browser = new BrowserSession({ ...agent, app, deps });
    await browser.login();
    const page = await browser.page('/');
    expect(page.text).toMatch(/<h2>Certificates<\/h2>/);
    expect(page.text).toMatch(/<td class="warn">(9|10)<\/td>/);
    expect(page.text).toMatch(/<td class="bad">failed 2026-12-07T02:00:00Z: the CA could not fetch the challenge\. Open port 80<\/td>/);
    expect(page.text).not.toMatch(/shadow|hostile/);
  });
});

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { exec } from '../../../src/platform/exec.js';
import { exampleInput } from '../../../src/provision/example.js';
import type { ProvisionInput } from '../../../src/provision/input.js';
import { ACME_ROOT, siteCertificates, tlsStep } from '../../../src/provision/steps/tls.js';
import { localHost } from './local-host.js';

async function input(): Promise<ProvisionInput> {
  return exampleInput(await loadConfig(path.resolve('hms.config.example.json')));
}

/** The example input with every site's certificate under `dir`, as .secrets.json can name them. */
async function inputWithCertsIn(dir: string): Promise<ProvisionInput> {
  const base = await input();
  const ssl_config = Object.fromEntries(
    siteCertificates(base).map((s) => [
      s.site,
      { domain: s.domain, cert_path: `${dir}/${s.domain}/${s.domain}.crt`, key_path: `${dir}/${s.domain}/${s.domain}.key` },
    ]),
  );
  return { ...base, secrets: { ...base.secrets, ssl_config } };
}

const made: string[] = [];
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  made.push(await mkdtemp(path.join(tmpdir(), 'hms-tls-')));
  return made.at(-1)!;
}

const subject = async (cert: string) =>
  (await exec(['openssl', 'x509', '-in', cert, '-noout', '-subject', '-ext', 'subjectAltName'])).stdout;
const notAcme = (changes: string[]) => changes.filter((c) => !c.startsWith(ACME_ROOT));

describe('certificates for every site', () => {
  it(
    'Given the example config, When the certificates are listed, ' +
      'Then each app has its own from ssl_config.<app> and the hosting vhost follows',
    async () => {
      const sites = siteCertificates(await input());
      expect(sites.map((s) => [s.site, s.domain, s.cert, s.key])).toEqual([
        [
          'cigar',
          'cigar.remoteds.us',
          '/etc/nginx/ssl/cigar.remoteds.us/cigar.remoteds.us.crt',
          '/etc/nginx/ssl/cigar.remoteds.us/cigar.remoteds.us.key',
        ],
        [
          'tobacco',
          'tobacco.remoteds.us',
          '/etc/nginx/ssl/tobacco.remoteds.us/tobacco.remoteds.us.crt',
          '/etc/nginx/ssl/tobacco.remoteds.us/tobacco.remoteds.us.key',
        ],
        [
          'hosting',
          'hosting.remoteds.us',
          '/etc/nginx/ssl/hosting.remoteds.us/hosting.remoteds.us.crt',
          '/etc/nginx/ssl/hosting.remoteds.us/hosting.remoteds.us.key',
        ],
      ]);
    },
  );

  it('Given an app with no ssl_config entry, When its certificate is listed, Then it gets the default paths for its domain', async () => {
    const base = await input();
    const { cigar: _dropped, ...rest } = base.secrets.ssl_config;
    const sites = siteCertificates({ ...base, secrets: { ...base.secrets, ssl_config: rest } });
    expect(sites[0]).toEqual({
      site: 'cigar',
      domain: 'cigar.remoteds.us',
      cert: '/etc/nginx/ssl/cigar.remoteds.us/cigar.remoteds.us.crt',
      key: '/etc/nginx/ssl/cigar.remoteds.us/cigar.remoteds.us.key',
    });
  });

  it(
    'Given no certificate installed, When the step runs twice, ' +
      'Then each site gets a self-signed placeholder for its name (key 0600), and the second check finds nothing to do',
    async () => {
      const dir = await tempDir();
      const host = localHost();
      const step = tlsStep(await inputWithCertsIn(dir));
      const changes = notAcme(await step.check(host));
      expect(changes).toEqual([
        `${dir}/cigar.remoteds.us/cigar.remoteds.us.crt: create a self-signed placeholder for cigar.remoteds.us`,
        `${dir}/tobacco.remoteds.us/tobacco.remoteds.us.crt: create a self-signed placeholder for tobacco.remoteds.us`,
        `${dir}/hosting.remoteds.us/hosting.remoteds.us.crt: create a self-signed placeholder for hosting.remoteds.us`,
      ]);
      await step.apply(host, changes);
      expect(await subject(`${dir}/cigar.remoteds.us/cigar.remoteds.us.crt`)).toMatch(
        /CN = cigar\.remoteds\.us[\s\S]*DNS:cigar\.remoteds\.us/,
      );
      expect(await subject(`${dir}/hosting.remoteds.us/hosting.remoteds.us.crt`)).toMatch(/CN = hosting\.remoteds\.us/);
      expect(((await stat(`${dir}/tobacco.remoteds.us/tobacco.remoteds.us.key`)).mode & 0o777).toString(8)).toBe('600');
      expect(notAcme(await step.check(host))).toEqual([]);
    },
  );

  it(
    'Given a certificate already installed for one app, When the step runs, ' +
      'Then it is left as it was and only the others get placeholders',
    async () => {
      const dir = await tempDir();
      const host = localHost();
      const step = tlsStep(await inputWithCertsIn(dir));
      await exec(['mkdir', '-p', `${dir}/cigar.remoteds.us`]);
      await writeFile(`${dir}/cigar.remoteds.us/cigar.remoteds.us.crt`, 'the real certificate\n');
      await writeFile(`${dir}/cigar.remoteds.us/cigar.remoteds.us.key`, 'the real key\n');
      const changes = notAcme(await step.check(host));
      expect(changes.map((c) => c.slice(dir.length))).toEqual([
        '/tobacco.remoteds.us/tobacco.remoteds.us.crt: create a self-signed placeholder for tobacco.remoteds.us',
        '/hosting.remoteds.us/hosting.remoteds.us.crt: create a self-signed placeholder for hosting.remoteds.us',
      ]);
      await step.apply(host, changes);
      expect(await readFile(`${dir}/cigar.remoteds.us/cigar.remoteds.us.crt`, 'utf8')).toBe('the real certificate\n');
      expect(await readFile(`${dir}/cigar.remoteds.us/cigar.remoteds.us.key`, 'utf8')).toBe('the real key\n');
    },
  );

  it('Given a certificate whose key is missing, When the step applies, Then it overwrites nothing and says what to install', async () => {
    const dir = await tempDir();
    const host = localHost();
    const step = tlsStep(await inputWithCertsIn(dir));
    await exec(['mkdir', '-p', `${dir}/cigar.remoteds.us`]);
    await writeFile(`${dir}/cigar.remoteds.us/cigar.remoteds.us.crt`, 'the real certificate\n');
    const changes = notAcme(await step.check(host));
    expect(changes[0]).toBe(
      `${dir}/cigar.remoteds.us/cigar.remoteds.us.crt: its key ${dir}/cigar.remoteds.us/cigar.remoteds.us.key is missing`,
    );
    await expect(step.apply(host, changes)).rejects.toMatchObject({
      message: expect.stringMatching(/never overwritten/),
      hint: expect.stringMatching(/ssl_config\.cigar/),
    });
    expect(await readFile(`${dir}/cigar.remoteds.us/cigar.remoteds.us.crt`, 'utf8')).toBe('the real certificate\n');
  });
});

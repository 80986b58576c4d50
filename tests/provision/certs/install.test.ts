/**
 * What `hms certs install` checks on the laptop before anything is written, with
 * real certificates made by openssl: a CA, an intermediate it signs, and leaves.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../../src/platform/exec.js';
import { checkCertificate } from '../../../src/provision/certs/install.js';

let dir = '';
const site = { site: 'cigar', domain: 'cigar.example.org', cert: '/x.crt', key: '/x.key' };
const pem: Record<string, string> = {};

async function openssl(line: string): Promise<void> {
  const run = await exec(['openssl', ...line.split(' ')], { timeoutMs: 20_000, cwd: dir });
  expect(run.code, `${line}\n${run.stderr}`).toBe(0);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-install-'));
  await writeFile(path.join(dir, 'ca.ext'), 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign\n');
  await writeFile(path.join(dir, 'leaf.ext'), 'subjectAltName=DNS:cigar.example.org\n');
  const ec = '-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes';
  await openssl(`req -x509 ${ec} -days 30 -subj /CN=Root -keyout root.key -out root.pem`);
  await openssl(`req ${ec} -subj /CN=Intermediate -keyout int.key -out int.csr`);
  await openssl('x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -days 30 -extfile ca.ext -out int.pem');
  await openssl(`req ${ec} -subj /CN=cigar.example.org -keyout leaf.key -out leaf.csr`);
  await openssl('x509 -req -in leaf.csr -CA int.pem -CAkey int.key -CAcreateserial -days 30 -extfile leaf.ext -out leaf.pem');
  await openssl('genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key');
  for (const name of ['root.pem', 'int.pem', 'leaf.pem', 'leaf.key', 'other.key']) pem[name] = await readFile(path.join(dir, name), 'utf8');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('hms certs install: the checks before anything is written', () => {
  it('Given the leaf, its intermediate and the matching key, When checked, Then it passes with its names and issuer', () => {
    const checked = checkCertificate(site, pem['leaf.pem']! + pem['int.pem']!, pem['leaf.key']!);
    expect(checked).toMatchObject({ names: ['cigar.example.org'], chainLength: 2 });
    expect(checked.issuer).toMatch(/Intermediate/);
  });

  it(
    'Given the chain in the wrong order, a leaf without its issuer, another site, or another key, When checked, ' +
      'Then each is refused saying what to do',
    () => {
      expect(() => checkCertificate(site, pem['int.pem']! + pem['leaf.pem']!, pem['leaf.key']!)).toThrow(/key does not match/);
      expect(() => checkCertificate(site, pem['leaf.pem']! + pem['root.pem']!, pem['leaf.key']!)).toThrow(
        /Certificate 1 of the chain is not signed by certificate 2/,
      );
      expect(() => checkCertificate(site, pem['leaf.pem']!, pem['leaf.key']!)).toThrow(/its issuer .* is missing/);
      expect(() =>
        checkCertificate({ ...site, domain: 'tobacco.example.org' }, pem['leaf.pem']! + pem['int.pem']!, pem['leaf.key']!),
      ).toThrow(/not for tobacco\.example\.org/);
      expect(() => checkCertificate(site, pem['leaf.pem']! + pem['int.pem']!, pem['other.key']!)).toThrow(/key does not match/);
      expect(() => checkCertificate(site, 'not a certificate', pem['leaf.key']!)).toThrow(/holds no PEM certificate/);
      expect(() => checkCertificate(site, pem['leaf.pem']! + pem['int.pem']!, 'not a key')).toThrow(/not a private key/);
    },
  );

  it('Given a certificate checked after it expired, When checked, Then it is refused as expired', () => {
    const later = new Date(Date.now() + 40 * 86_400_000);
    expect(() => checkCertificate(site, pem['leaf.pem']! + pem['int.pem']!, pem['leaf.key']!, later)).toThrow(/\(expired\)/);
  });
});

import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendKnownHost, findHostKeys, fingerprint, keyTypeOf } from '../../src/ssh/known-hosts.js';
import { quoteArgv } from '../../src/ssh/quote.js';

/** An ed25519 public key blob in SSH wire format, from a real generated key. */
function ed25519Blob(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const len = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  return Buffer.concat([len(type.length), type, len(raw.length), raw]);
}

describe('known_hosts', () => {
  const blob = ed25519Blob();
  const b64 = blob.toString('base64');

  it('Given a key blob, When its type and fingerprint are read, Then they match ssh-keygen conventions', () => {
    expect(keyTypeOf(blob)).toBe('ssh-ed25519');
    expect(fingerprint(blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(fingerprint(b64)).toBe(fingerprint(blob));
  });

  it('Given plain, bracketed, wildcard, negated and hashed entries, When looked up, Then each matches as OpenSSH would', () => {
    const salt = Buffer.from('0123456789abcdef0123');
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('hashed.example').digest('base64')}`;
    const text = [
      '# comment',
      `plain.example,10.0.0.1 ssh-ed25519 ${b64}`,
      `[port.example]:2222 ssh-ed25519 ${b64}`,
      `*.wild.example,!bad.wild.example ssh-ed25519 ${b64}`,
      `${hashed} ssh-ed25519 ${b64}`,
      `@revoked revoked.example ssh-ed25519 ${b64}`,
      `@cert-authority *.example ssh-ed25519 ${b64}`,
    ].join('\n');
    expect(findHostKeys(text, 'plain.example', 22)).toHaveLength(1);
    expect(findHostKeys(text, '10.0.0.1', 22)).toHaveLength(1);
    expect(findHostKeys(text, 'plain.example', 2222)).toHaveLength(0);
    expect(findHostKeys(text, 'port.example', 2222)).toHaveLength(1);
    expect(findHostKeys(text, 'a.wild.example', 22)).toHaveLength(1);
    expect(findHostKeys(text, 'bad.wild.example', 22)).toHaveLength(0);
    expect(findHostKeys(text, 'hashed.example', 22)).toHaveLength(1);
    expect(findHostKeys(text, 'revoked.example', 22)[0]?.revoked).toBe(true);
    expect(findHostKeys(text, 'other.example', 22)).toHaveLength(0);
  });

  it('Given a missing file, When a host is appended, Then the file and its folder are created private', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-kh-'));
    const file = path.join(dir, 'ssh', 'known_hosts');
    await appendKnownHost(file, '10.1.2.3', 2200, { type: 'ssh-ed25519', base64: b64 });
    const text = await readFile(file, 'utf8');
    expect(text).toBe(`[10.1.2.3]:2200 ssh-ed25519 ${b64}\n`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(findHostKeys(text, '10.1.2.3', 2200)).toHaveLength(1);
  });
});

describe('remote argv quoting', () => {
  it('Given shell metacharacters, When quoted, Then each argument stays one literal word', () => {
    expect(quoteArgv(['echo', "it's", '$(id)', 'a b', '--x=1'])).toBe(`echo 'it'\\''s' '$(id)' 'a b' --x=1`);
    expect(() => quoteArgv(['x\0y'])).toThrow(/NUL/);
    expect(() => quoteArgv([])).toThrow(/empty/);
  });
});

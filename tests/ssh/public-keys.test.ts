/**
 * Public keys from a real ssh-agent (started and stopped here) and from private key
 * files, compared with what ssh-keygen itself says.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../src/platform/exec.js';
import { agentPublicKeys, publicKeyOf } from '../../src/ssh/public-keys.js';
import { startSshAgent, type TestSshAgent } from '../support/ssh-agent.js';

describe('public keys from ssh-agent', () => {
  let agent: TestSshAgent;
  beforeAll(async () => {
    agent = await startSshAgent();
  });
  afterAll(async () => {
    await agent?.stop();
  });

  it('Given an empty agent, When its keys are listed, Then there are none', async () => {
    expect(await agentPublicKeys(agent.socket)).toEqual([]);
  });

  it('Given two keys added with ssh-add, When listed, Then both come back as the OpenSSH lines of their .pub files', async () => {
    const first = await agent.addNewKey('alice@laptop');
    const second = await agent.addNewKey('alice@yubikey');
    const expected = await Promise.all([first, second].map(async (file) => (await readFile(`${file}.pub`, 'utf8')).trim()));
    expect(await agentPublicKeys(agent.socket)).toEqual(expected);
  });

  it('Given no agent on the socket, When listed, Then the error says to check SSH_AUTH_SOCK', async () => {
    const error = await agentPublicKeys(path.join(tmpdir(), 'hms-no-such-agent.sock')).catch((e: unknown) => e);
    expect(error).toMatchObject({
      message: expect.stringMatching(/Cannot list the keys of ssh-agent/),
      hint: expect.stringContaining('SSH_AUTH_SOCK'),
    });
  });
});

describe('the public key of a private key file', () => {
  it('Given an ed25519 and an RSA PEM key, When derived, Then each equals `ssh-keygen -y` (key type and base64)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-pub-'));
    for (const argv of [
      ['-t', 'ed25519'],
      ['-t', 'rsa', '-b', '2048', '-m', 'PEM'],
    ]) {
      const file = path.join(dir, argv[1]!);
      await exec(['ssh-keygen', '-q', ...argv, '-N', '', '-C', 'bob@laptop', '-f', file]);
      const derived = publicKeyOf(await readFile(file), file);
      const fromKeygen = (await exec(['ssh-keygen', '-y', '-f', file])).stdout.trim().split(' ').slice(0, 2).join(' ');
      expect('publicKey' in derived && derived.publicKey.split(' ').slice(0, 2).join(' ')).toBe(fromKeygen);
    }
  });

  it('Given a key protected by a passphrase, When derived, Then it says so instead of failing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-pub-'));
    const file = path.join(dir, 'id');
    await exec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', 'a passphrase', '-f', file]);
    expect(publicKeyOf(await readFile(file), file)).toEqual({ encrypted: true });
    expect(() => publicKeyOf('not a key', 'junk')).toThrow(/junk is not a private key/);
  });
});

/**
 * Which public keys provisioning authorizes for the deploy user, from a real
 * ssh-agent and real key files, and its refusal when there is none.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverSchema } from '../../src/config/schema.js';
import { exec } from '../../src/platform/exec.js';
import { laptopPublicKeys } from '../../src/provision/authorized-keys.js';
import { startSshAgent, type TestSshAgent } from '../support/ssh-agent.js';

const server = (extra: Record<string, unknown> = {}) => serverSchema.parse({ host: '192.0.2.10', ...extra });

async function newKey(passphrase = ''): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'hms-key-')), 'id_ed25519');
  await exec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', passphrase, '-C', 'carol@laptop', '-f', file]);
  return file;
}

describe('the keys provisioning authorizes', () => {
  let agent: TestSshAgent;
  beforeAll(async () => {
    agent = await startSshAgent();
  });
  afterAll(async () => {
    await agent?.stop();
  });

  it('Given no identityFile and no ssh-agent, When the keys are gathered, Then provisioning refuses and says how to fix it', async () => {
    const error = await laptopPublicKeys('prod', server(), undefined).catch((e: unknown) => e);
    expect(error).toMatchObject({
      message: 'No public key to authorize for deploy@prod: no identityFile, and no ssh-agent (SSH_AUTH_SOCK is not set).',
      hint: expect.stringMatching(
        /servers\.prod\.identityFile to a key with its \.pub beside it, or load a key into ssh-agent \(`ssh-add`\)/,
      ),
    });
  });

  it('Given an empty ssh-agent, When the keys are gathered, Then it refuses, naming the empty agent', async () => {
    await expect(laptopPublicKeys('prod', server(), agent.socket)).rejects.toThrow(
      /deploy@prod: no identityFile, and ssh-agent holds no key/,
    );
  });

  it('Given ssh-agent holding a key and no identityFile, When the keys are gathered, Then the agent key is authorized', async () => {
    const file = await agent.addNewKey('dave@laptop');
    expect(await laptopPublicKeys('prod', server(), agent.socket)).toEqual([(await readFile(`${file}.pub`, 'utf8')).trim()]);
  });

  it(
    'Given an identityFile with its .pub, When the keys are gathered, ' + 'Then that .pub is authorized and the agent is not asked',
    async () => {
      const file = await newKey();
      expect(await laptopPublicKeys('prod', server({ identityFile: file }), agent.socket)).toEqual([
        (await readFile(`${file}.pub`, 'utf8')).trim(),
      ]);
    },
  );

  it(
    'Given an identityFile without its .pub, When the keys are gathered, ' + 'Then the public key is derived from the private key',
    async () => {
      const file = await newKey();
      const expected = (await readFile(`${file}.pub`, 'utf8')).trim();
      await rm(`${file}.pub`);
      expect(await laptopPublicKeys('prod', server({ identityFile: file }), undefined)).toEqual([expected]);
    },
  );

  it(
    'Given a passphrase-protected identityFile without its .pub, ' +
      'When the keys are gathered, Then it refuses with the ssh-keygen line to run',
    async () => {
      const file = await newKey('secret words');
      await rm(`${file}.pub`);
      const error = await laptopPublicKeys('prod', server({ identityFile: file }), agent.socket).catch((e: unknown) => e);
      expect(error).toMatchObject({
        message: expect.stringMatching(/protected by a passphrase/),
        hint: expect.stringContaining(`ssh-keygen -y -f ${file} > ${file}.pub`),
      });
    },
  );

  it('Given an identityFile that does not exist, When the keys are gathered, Then it refuses, naming the file', async () => {
    await expect(laptopPublicKeys('prod', server({ identityFile: '/nonexistent/id' }), undefined)).rejects.toThrow(
      /deploy@prod: cannot read \/nonexistent\/id \(ENOENT\)/,
    );
  });
});

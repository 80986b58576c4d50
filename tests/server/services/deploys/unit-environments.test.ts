/**
 * Every app's unit environment from one `systemctl show` (the backups overview asks for all apps at once).
 * The answer is systemd 252's own multi-unit format, given through deps.exec: this machine runs no systemd;
 * the backups e2e suites read it from the real one. The EnvironmentFile is a real file, read as systemd does.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentDeps } from '../../../../server/env.js';
import { unitEnvironments } from '../../../../server/services/deploys/env.js';

describe('unit environments in one systemctl show', () => {
  let dir: string;
  let envFile: string;
  const asked: string[][] = [];
  const answering = (code: number, stdout: string) =>
    ({
      exec: async (argv: string[]) => {
        asked.push(argv);
        return { code, stdout, stderr: '' };
      },
    }) as unknown as AgentDeps;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-unit-env-'));
    envFile = path.join(dir, 'shop.env');
    await writeFile(envFile, 'DATABASE_URL="postgres://shop@localhost/shop"\nSECRET_KEY_BASE=abc\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(
    'Given three units, one with Environment= and one with an EnvironmentFile, ' +
      'When read, Then one systemctl call gives each its variables, and a unit systemd did not show is absent',
    async () => {
      const shown = [
        'Id=cigar.service\nEnvironment=RAILS_ENV=production "DATABASE_URL=postgres://cigar@localhost/cigar"\nEnvironmentFiles=',
        `Id=shop.service\nEnvironment=RAILS_ENV=production\nEnvironmentFiles=${envFile} (ignore_errors=yes)`,
        'Id=other.service\nEnvironment=\nEnvironmentFiles=',
      ].join('\n\n');
      asked.length = 0;
      const found = await unitEnvironments(answering(0, `${shown}\n`), ['cigar.service', 'shop.service', 'gone.service']);
      expect(asked).toHaveLength(1);
      expect(asked[0]!.slice(-4)).toEqual(['--', 'cigar.service', 'shop.service', 'gone.service']);
      expect(found.get('cigar.service')).toEqual({ RAILS_ENV: 'production', DATABASE_URL: 'postgres://cigar@localhost/cigar' });
      expect(found.get('shop.service')).toEqual({
        RAILS_ENV: 'production',
        DATABASE_URL: 'postgres://shop@localhost/shop',
        SECRET_KEY_BASE: 'abc',
      });
      // Not asked for, so not kept; not shown, so left for the caller to ask about alone.
      expect(found.has('other.service')).toBe(false);
      expect(found.has('gone.service')).toBe(false);
    },
  );

  it('Given systemctl failing, When read, Then nothing is found (each unit is then asked about alone)', async () => {
    expect((await unitEnvironments(answering(1, ''), ['cigar.service'])).size).toBe(0);
  });

  it('Given no units, When read, Then systemctl is not run', async () => {
    asked.length = 0;
    expect((await unitEnvironments(answering(0, ''), [])).size).toBe(0);
    expect(asked).toHaveLength(0);
  });
});

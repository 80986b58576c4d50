/**
 * `hms provision` as a user runs it, before any SSH connection: it refuses when the
 * deploy user would be left with no key to log in with.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHms } from '../support/run-hms.js';

describe('hms provision without a public key to authorize', () => {
  it(
    'Given no identityFile and no ssh-agent, When `hms provision` runs, ' + 'Then it refuses before connecting and says how to fix it',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'hms-provision-keys-'));
      // 192.0.2.1 is TEST-NET-1: nothing answers there, so a connection attempt would time out instead.
      expect(
        (await runHms(['init', '--host', '192.0.2.1', '--app', 'cigar', '--domain', 'cigar.example.com', '--repo', 'R'], { cwd: dir }))
          .code,
      ).toBe(0);
      expect((await runHms(['secrets', 'init'], { cwd: dir })).code).toBe(0);
      for (const args of [['provision'], ['provision', '--dry-run'], ['full-deploy']]) {
        const run = await runHms(args, { cwd: dir });
        expect(run.code, args.join(' ')).toBe(1);
        expect(run.stderr).toMatch(
          /No public key to authorize for deploy@prod: no identityFile, and no ssh-agent \(SSH_AUTH_SOCK is not set\)\./,
        );
        expect(run.stderr).toMatch(
          /servers\.prod\.identityFile to a key with its \.pub beside it, or load a key into ssh-agent \(`ssh-add`\)/,
        );
      }
    },
  );
});

/**
 * The backups overview's reading of systemd's D-Bus answers (the real socket is checked
 * against systemctl in tests/e2e/backups-overview.e2e.test.ts), and its fallback.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unitPropertiesOrNull } from '../../../../server/services/apps/index.js';
import { busTimer } from '../../../../server/services/backups/overview.js';
import { busBackupUnits, environmentOf } from '../../../../server/services/backups/unit-env-bus.js';
import type { AgentDeps } from '../../../../server/env.js';
import { exec } from '../../../../src/platform/exec.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('backups overview from D-Bus answers', () => {
  it('Given the timer loaded with a next run, none (0 or UINT64_MAX), or not installed, When read, Then as systemctl says', () => {
    const at = (next: bigint, loadState = 'loaded') =>
      busTimer(
        new Map<string, unknown>([
          ['LoadState', loadState],
          ['NextElapseUSecRealtime', next],
        ]),
      );
    expect(at(1_796_601_600_987_654n)).toEqual({ loaded: true, next: '2026-12-07T00:00:00.000Z' });
    expect(at(0n)).toEqual({ loaded: true });
    expect(at(2n ** 64n - 1n)).toEqual({ loaded: true });
    expect(at(0n, 'not-found')).toEqual({ loaded: false });
    expect(busTimer(new Map())).toEqual({ loaded: false });
  });

  it('Given Environment= words and env files (one missing), When combined, Then the files win and odd words are left out', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-env-bus-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'app.env'), 'DATABASE_URL="postgres://u@localhost/from_file"\nEXTRA=1\n');
    const env = await environmentOf(
      ['DATABASE_URL=postgres://u@localhost/inline', 'GREETING=hello world', '1BAD=x', 'noequals', '=x'],
      [
        [path.join(dir, 'app.env'), false],
        [path.join(dir, 'missing.env'), true],
        ['relative.env', false],
      ],
    );
    expect(env).toEqual({ DATABASE_URL: 'postgres://u@localhost/from_file', GREETING: 'hello world', EXTRA: '1' });
    expect(await environmentOf(undefined, undefined)).toEqual({});
  });

  it('Given an exec other than the real one (a recorder in tests), When asked, Then null: the caller runs systemctl', async () => {
    const recorder = (async () => ({ code: 0, stdout: '', stderr: '' })) as unknown as AgentDeps['exec'];
    expect(await unitPropertiesOrNull(recorder, ['cigar.service'], () => [['org.freedesktop.systemd1.Unit', 'Id']])).toBeNull();
    const deps = { exec: recorder } as unknown as AgentDeps;
    expect(await busBackupUnits(deps, ['cigar.service'], 'hms-backup.timer')).toBeNull();
  });

  it('Given no socket, When asked with the real exec, Then null (systemctl is asked); a systemd that hangs is a 504', async () => {
    const id = (): Array<[string, string]> => [['org.freedesktop.systemd1.Unit', 'Id']];
    expect(await unitPropertiesOrNull(exec, ['cigar.service'], id, { socketPath: '/nonexistent/hms/private' })).toBeNull();
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-hung-bus-'));
    dirs.push(dir);
    // Takes the connection, reads, never answers.
    const hung = createServer((socket) => socket.on('data', () => undefined));
    await new Promise<void>((resolve) => hung.listen(path.join(dir, 'private'), resolve));
    try {
      const asked = unitPropertiesOrNull(exec, ['cigar.service'], id, { socketPath: path.join(dir, 'private'), timeoutMs: 200 });
      await expect(asked).rejects.toMatchObject({ status: 504, message: /did not answer within 0.2 s/ });
    } finally {
      hung.close();
    }
  });
});

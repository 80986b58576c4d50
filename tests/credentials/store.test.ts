/**
 * The credential store against a real gnome-keyring (Secret Service over D-Bus) in
 * a private `dbus-run-session`, and its 0600 file fallback where none is reachable.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepToken, openCredentialStore, tokenAccount } from '../../src/credentials/store.js';

const PROBE = path.resolve('tests/support/keychain-probe.ts');
const TSX = path.resolve('node_modules/.bin/tsx');
const haveKeyring = existsSync('/usr/bin/dbus-run-session') && existsSync('/usr/bin/gnome-keyring-daemon');
let keytarLoads = true;
try {
  await import('keytar');
} catch {
  keytarLoads = false;
}

function run(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** One D-Bus session with an unlocked gnome-keyring, running the probe ops in order. */
function inKeyringSession(home: string, ops: string[][]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = [
    // gnome-keyring reads the unlock password on stdin; the keyring lives under $HOME.
    "printf 'test-keyring-password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null",
    ...ops.map((op) => `"$TSX" "$PROBE" ${op.map((a) => `'${a}'`).join(' ')}`),
  ].join(' && ');
  return run(['dbus-run-session', '--', 'sh', '-c', script], {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_RUNTIME_DIR: home,
    TSX,
    PROBE,
  });
}

describe.skipIf(!haveKeyring || !keytarLoads)('credentials in a real keychain', () => {
  it(
    'Given an unlocked gnome-keyring, When a token is stored, read and deleted, ' + 'Then the keychain holds it and no file is written',
    async () => {
      const home = await mkdtemp(path.join(tmpdir(), 'hms-keyring-'));
      const result = await inKeyringSession(home, [
        ['set', 'prod@hosting.example', 'tok-123-secret'],
        ['get', 'prod@hosting.example'],
        ['delete', 'prod@hosting.example'],
        ['get', 'prod@hosting.example'],
      ]);
      expect(result.code, result.stderr).toBe(0);
      const [afterSet, removed, afterDelete] = result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(afterSet).toEqual({ where: 'keychain', token: 'tok-123-secret' });
      expect(removed).toEqual({ removed: true });
      expect(afterDelete).toEqual({ where: 'keychain', token: null });
      expect(result.stderr).not.toContain('warning');
      expect(existsSync(path.join(home, '.config/hms/tokens.json'))).toBe(false);
    },
  );
});

describe('credentials without a keychain', () => {
  it('Given no D-Bus session, When a token is stored, Then a 0600 file keeps it and a one-line warning says so', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'hms-nokeyring-'));
    const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
    const set = await run([TSX, PROBE, 'set', 'prod@h', 'tok-file-secret'], env);
    expect(set.code, set.stderr).toBe(0);
    const warnings = set.stderr
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('tokens.json (mode 600)');
    const file = path.join(home, '.config/hms/tokens.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const get = await run([TSX, PROBE, 'get', 'prod@h'], env);
    expect(JSON.parse(get.stdout)).toEqual({ where: file, token: 'tok-file-secret' });
    expect(get.stdout + get.stderr).not.toMatch(/tok-file-secret.*warning/);
  });
});

describe('keeping the token a deploy installed', () => {
  it(
    'Given HMS_NO_KEYCHAIN=1, When a token is kept for a server, ' +
      'Then the store finds it under server@host and the line names the 0600 file, not the token',
    async () => {
      const home = await mkdtemp(path.join(tmpdir(), 'hms-keep-'));
      const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), HMS_NO_KEYCHAIN: '1' };
      const kept = await keepToken(env, 'prod', '203.0.113.7', 'tok-kept-secret');
      const file = path.join(home, '.config/hms/tokens.json');
      expect(kept).toEqual({ where: file, line: `API token for prod stored in ${file} (0600; no keychain: HMS_NO_KEYCHAIN=1).` });
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(await (await openCredentialStore(env)).get(tokenAccount('prod', '203.0.113.7'))).toBe('tok-kept-secret');
    },
  );
});

/**
 * `hms secrets init` and `hms secrets check` for alert channels, run as the built hms on a
 * real config and secrets file: a signing key is made for each webhook that lacks one, never
 * replaced; what a person must add (a Slack URL, an SMTP password) is named, never invented.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runHms } from '../support/run-hms.js';

const CONFIG = {
  servers: { web1: { host: 'example.test' } },
  alerts: {
    channels: {
      hook: { type: 'webhook', url: 'https://hooks.example.test/hms' },
      ops: { type: 'webhook' },
      chat: { type: 'slack' },
      mail: { type: 'email', host: 'smtp.example.test', user: 'hms', from: 'hms@example.test', to: ['ops@example.test'] },
    },
  },
};
const KEPT = 'kept-by-hand-signing-key-0123456789abcdef';

let dir: string;
const file = () => path.join(dir, '.secrets.json');
const read = async () => JSON.parse(await readFile(file(), 'utf8')) as { alert_channels: Record<string, Record<string, string>> };

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-alert-secrets-'));
  await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(CONFIG));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('hms secrets init and alert channels', () => {
  it(
    'Given webhook channels, one with a signing key already, When init runs, ' +
      'Then the other gets 32 random bytes as hex, the kept one is untouched, Slack and e-mail get nothing, and no value is printed',
    async () => {
      await writeFile(file(), JSON.stringify({ alert_channels: { ops: { secret: KEPT, url: 'https://hooks.example.test/ops' } } }), {
        mode: 0o600,
      });
      const run = await runHms(['secrets', 'init', '--json'], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout);
      expect(report.added).toContain('alert_channels.hook.secret');
      expect(report.kept).toContain('alert_channels.ops.secret');
      const { alert_channels } = await read();
      expect(alert_channels.hook!.secret).toMatch(/^[0-9a-f]{64}$/);
      expect(alert_channels.ops).toEqual({ secret: KEPT, url: 'https://hooks.example.test/ops' });
      expect(alert_channels).not.toHaveProperty('chat');
      expect(alert_channels).not.toHaveProperty('mail');
      expect((await stat(file())).mode & 0o777).toBe(0o600);
      expect(run.stdout + run.stderr).not.toContain(alert_channels.hook!.secret);

      const again = await runHms(['secrets', 'init'], { cwd: dir });
      expect(again.stdout).toMatch(/nothing changed/);
      expect((await read()).alert_channels.hook!.secret).toBe(alert_channels.hook!.secret);
    },
  );

  it(
    'Given the values a person adds are missing, When checked, ' +
      'Then each is named with what to add, and `hms secrets init` is not offered for them',
    async () => {
      await runHms(['secrets', 'init'], { cwd: dir });
      const run = await runHms(['secrets', 'check'], { cwd: dir });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('✗ alert_channels.ops.url: missing');
      expect(run.stdout).toContain('✗ alert_channels.chat.url: missing');
      expect(run.stdout).toContain('✗ alert_channels.mail.password: missing');
      expect(run.stdout).toContain("add alert_channels.chat.url by hand: Slack's incoming-webhook URL");
      expect(run.stdout).toContain('add alert_channels.mail.password by hand: the SMTP password of hms on smtp.example.test');
      expect(run.stdout).not.toMatch(/^\s+hms secrets init$/m);
      expect(run.stdout).not.toContain('alert_channels.hook');
    },
  );

  it('Given a Slack URL that is not http(s), When checked, Then it is named invalid with what to correct; no value shown', async () => {
    await runHms(['secrets', 'init'], { cwd: dir });
    const secrets = await read();
    secrets.alert_channels.chat = { url: 'hooks.slack.test/T0K3N' };
    await writeFile(file(), JSON.stringify(secrets), { mode: 0o600 });
    const run = await runHms(['secrets', 'check'], { cwd: dir });
    expect(run.stdout).toContain('✗ alert_channels.chat.url: invalid');
    expect(run.stdout).toContain("correct alert_channels.chat.url by hand: Slack's incoming-webhook URL");
    expect(run.stdout).not.toContain('--rotate alert_channels.chat.url');
    expect(run.stdout + run.stderr).not.toContain('T0K3N');
  });

  it('Given --rotate of a webhook key, When init runs, Then only that key changes', async () => {
    await runHms(['secrets', 'init'], { cwd: dir });
    const before = await read();
    const run = await runHms(['secrets', 'init', '--rotate', 'alert_channels.ops.secret'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const after = await read();
    expect(after.alert_channels.ops!.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(after.alert_channels.ops!.secret).not.toBe(before.alert_channels.ops!.secret);
    expect(after.alert_channels.hook).toEqual(before.alert_channels.hook);
  });
});

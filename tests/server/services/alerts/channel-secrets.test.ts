/**
 * The channels' secrets as the agent reads them from its secrets file (alert_channels,
 * written by provisioning), into channels that show no secret; what cannot work is
 * kept with its problem (the agent still starts), and a wrong value's type is named without printing the value.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alertsConfigSchema } from '../../../../src/core/alert-settings.js';
import { loadAgentSecrets } from '../../../../server/auth/secrets.js';
import { channelsFrom } from '../../../../server/services/alerts/channels.js';

const dirs: string[] = [];
const PAYLOAD = {
  event: 'test',
  server: 'web-1',
  delivery: 'd-1',
  sentAt: '2026-12-07T00:00:00.000Z',
  incident: null,
  text: 'test',
} as const;
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const MANAGEMENT = {
  admin_username: 'admin',
  admin_password: 'a password',
  jwt_secret: 'jwt_0123456789abcdef0123456789abcdef',
  api_token: 'tok_0123456789abcdef0123456789abcdef',
};

async function secretsFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-alert-secrets-'));
  dirs.push(dir);
  const file = path.join(dir, 'secrets.json');
  await writeFile(file, JSON.stringify(content));
  await chmod(file, 0o600);
  return file;
}

describe("alert_channels in the agent's secrets file", () => {
  it('Given no alert_channels, Then none; Given some, Then the channels get them and show only where they go', async () => {
    expect((await loadAgentSecrets(await secretsFile({ hosting_management: MANAGEMENT }))).alertChannels).toEqual({});
    const file = await secretsFile({
      hosting_management: MANAGEMENT,
      alert_channels: {
        ops: { secret: 'whsec_abc' },
        team: { url: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET' },
        mail: { password: 'smtp password' },
      },
    });
    const secrets = await loadAgentSecrets(file);
    expect(secrets.alertChannels).toEqual({
      ops: { secret: 'whsec_abc' },
      team: { url: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET' },
      mail: { password: 'smtp password' },
    });
    const config = alertsConfigSchema.parse({
      channels: {
        ops: { type: 'webhook', url: 'https://example.org/hms?token=abc' },
        team: { type: 'slack' },
        mail: { type: 'email', host: 'smtp.example.org', user: 'alerts', from: 'hms@example.org', to: ['ops@example.org'] },
      },
    });
    const channels = channelsFrom(config, secrets.alertChannels);
    expect(channels.map((c) => [c.name, c.type, c.target])).toEqual([
      ['ops', 'webhook', 'https://example.org'],
      ['team', 'slack', 'https://hooks.slack.com'],
      ['mail', 'email', 'smtp://smtp.example.org:587 to ops@example.org'],
    ]);
    // What cannot work does not stop the agent: the channel is kept with its problem, and its sends fail with it.
    const lacking = channelsFrom(config, { ops: { secret: 'x' }, team: {}, mail: { password: 'p' } });
    expect(lacking.map((c) => c.problem ?? null)).toEqual([
      null,
      expect.stringMatching(/alerts\.channels\.team: a slack channel needs a url \(in the config, or alert_channels\.team\.url\)/),
      null,
    ]);
    await expect(lacking[1]!.send(PAYLOAD, new Date())).rejects.toThrow(/needs a url/);
    const logged: string[] = [];
    const noPassword = channelsFrom(config, { ops: { secret: 'x' }, team: { url: 'https://h' } }, (line) => logged.push(line));
    expect(noPassword[2]!.problem).toMatch(/alerts\.channels\.mail: the SMTP user alerts needs alert_channels\.mail\.password/);
    expect(noPassword[2]!.target).toMatch(/^\(not usable: /);
    expect(logged).toEqual([expect.stringMatching(/^hms-agent: alerts\.channels\.mail: .*hms provision/)]);
  });

  it('Given a number where a password belongs, Then the agent refuses to start, naming the key and not the value', async () => {
    const file = await secretsFile({ hosting_management: MANAGEMENT, alert_channels: { mail: { password: 123456789 } } });
    const error = await loadAgentSecrets(file).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toBe(`${file}: alert_channels.mail.password must be a string.`);
    expect(error?.message).not.toContain('123456789');
  });
});

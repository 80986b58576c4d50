/**
 * Alerts in provisioning: agent.json's `alerts` from hms.config.json's, the agent secrets
 * file's `alert_channels` with only what each channel needs (0600 root, masked in every
 * diff), and the refusal that names each missing secret. The step's check and apply run
 * for real on this machine, with the agent's folder moved under a temp root.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../server/config.js';
import { parseConfig } from '../../src/config/load.js';
import { exec } from '../../src/platform/exec.js';
import { exampleInput } from '../../src/provision/example.js';
import { readCompleteSecrets } from '../../src/provision/gather.js';
import type { Host } from '../../src/provision/host.js';
import { PATHS, type ProvisionInput } from '../../src/provision/input.js';
import { agentConfigFiles, agentConfigStep } from '../../src/provision/steps/agent-config.js';
import { secretsSchema, type Secrets } from '../../src/secrets/schema.js';
import { CIGAR } from '../support/provision-input.js';

const ALERTS = {
  cooldownMinutes: 15,
  rules: { disk: { paths: ['/', '/srv'], warningPercent: 80 } },
  channels: {
    hook: { type: 'webhook' },
    ops: { type: 'webhook', url: 'https://ops.example.test/hms' },
    chat: { type: 'slack' },
    mail: { type: 'email', host: 'smtp.example.test', user: 'hms', from: 'hms@example.test', to: ['ops@example.test'] },
    relay: { type: 'email', host: '127.0.0.1', port: 25, starttls: false, from: 'hms@example.test', to: ['ops@example.test'] },
  },
};
const SECRET_VALUES = {
  hook: { secret: 'hook-signing-key-0123456789abcdef0123456789', url: 'https://hooks.example.test/T0K3N' },
  ops: { secret: 'ops-signing-key-0123456789abcdef0123456789ab' },
  chat: { url: 'https://hooks.slack.test/services/T000/B000/XXXX' },
  mail: { password: 'smtp-password-0123456789' },
  // Kept in .secrets.json but not needed by its channel: never sent to the server.
  relay: { password: 'unused-relay-password-42' },
};
const every = (values: object): string[] => Object.values(values).flatMap((v) => Object.values(v as Record<string, string>));

const configText = (alerts: object | undefined) =>
  JSON.stringify({
    servers: { web1: { host: 'example.test' } },
    apps: { cigar: { ...CIGAR, server: 'web1' } },
    ...(alerts ? { alerts } : {}),
  });

async function inputWith(alerts: object | undefined, channels: object = SECRET_VALUES): Promise<ProvisionInput> {
  const input = await exampleInput(parseConfig(configText(alerts), '/home/me/team/hms.config.json'));
  return { ...input, secrets: { ...input.secrets, alert_channels: channels as Secrets['alert_channels'] } };
}
const fileAt = (input: ProvisionInput, file: string) => agentConfigFiles(input).find((f) => f.path === file)!;

describe("agent.json's alerts and the agent's alert_channels", () => {
  it(
    "Given hms.config.json's alerts, When agent.json is rendered, " +
      "Then the agent's parser reads every setting, named after the server, with no channel secret in it",
    async () => {
      const input = await inputWith(ALERTS);
      const file = fileAt(input, PATHS.agentConfig);
      const config = parseAgentConfig(file.content, file.path);
      expect(config.alerts).toMatchObject({ enabled: true, server: 'web1', cooldownMinutes: 15, reminderMinutes: 240 });
      expect(config.alerts.rules.disk).toEqual({ paths: ['/', '/srv'], warningPercent: 80, criticalPercent: 95 });
      expect(config.alerts.channels.ops).toEqual({ type: 'webhook', url: 'https://ops.example.test/hms' });
      expect(config.alerts.channels.mail).toMatchObject({ type: 'email', port: 587, starttls: true, user: 'hms' });
      for (const value of every(SECRET_VALUES)) expect(file.content).not.toContain(value);
    },
  );

  it(
    'Given channels of each kind, When the secrets file is rendered, ' +
      'Then alert_channels holds only what each needs (signing key, a URL not in the config, a password to log in), 0600 root',
    async () => {
      const file = fileAt(await inputWith(ALERTS), PATHS.agentSecrets);
      expect(file).toMatchObject({ mode: 0o600, owner: 'root', group: 'root', redact: 'json' });
      expect(JSON.parse(file.content).alert_channels).toEqual({
        hook: { secret: SECRET_VALUES.hook.secret, url: SECRET_VALUES.hook.url },
        ops: { secret: SECRET_VALUES.ops.secret },
        chat: { url: SECRET_VALUES.chat.url },
        mail: { password: SECRET_VALUES.mail.password },
      });
      expect(file.content).not.toContain(SECRET_VALUES.relay.password);
    },
  );

  it(
    'Given no alerts in hms.config.json, When the files are rendered, ' +
      'Then agent.json has the defaults named after the server (no channel), and the secrets file no alert_channels',
    async () => {
      const input = await inputWith(undefined);
      const file = fileAt(input, PATHS.agentConfig);
      expect(parseAgentConfig(file.content, file.path).alerts).toMatchObject({ enabled: true, server: 'web1', channels: {} });
      expect(JSON.parse(fileAt(input, PATHS.agentSecrets).content)).not.toHaveProperty('alert_channels');
    },
  );
});

describe('the agent-config step on a host, its agent folder under a temp root', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hms-alerts-provision-'));
    await mkdir(path.join(root, PATHS.configDir), { recursive: true });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** This machine, every absolute path under /etc/hosting-api moved under `root`; systemctl is not run. */
  const rootedHost = (): Host => {
    const under = path.join(root, PATHS.configDir);
    const moved = (argv: readonly string[]) => argv.map((a) => a.replaceAll(PATHS.configDir, under));
    const run: Host['run'] = async (argv, options) => {
      if (argv[0] === 'systemctl') return { ...(await exec(['true'])), stdout: 'inactive\n' };
      const result = await exec(moved(argv), options);
      return { ...result, stdout: result.stdout.replaceAll(under, PATHS.configDir) };
    };
    return {
      name: 'rooted',
      run,
      async must(argv, what, options) {
        const result = await run(argv, options);
        if (result.code !== 0) throw new Error(`${what} failed: ${result.stderr}`);
        return result.stdout;
      },
      async upload(content, file, mode) {
        await writeFile(path.join(root, file), content, { mode });
      },
    };
  };

  it(
    'Given the server holds older channel secrets, When the step checks (the dry run) and applies, ' +
      'Then the diff names alert_channels with every value masked, and the file written is 0600 root with the new values',
    async () => {
      const input = await inputWith(ALERTS);
      const old = {
        hosting_management: input.secrets.hosting_management,
        alert_channels: { hook: { secret: 'old-hook-secret-value-abcdef' } },
      };
      const onServer = path.join(root, PATHS.agentSecrets);
      await writeFile(onServer, JSON.stringify(old, null, 2), { mode: 0o600 });
      const step = agentConfigStep(input);
      const changes = await step.check(rootedHost());
      const shown = changes.join('\n');
      expect(shown).toContain(`${PATHS.agentSecrets}: content`);
      expect(shown).toMatch(/^\+\s+"chat": \{$/m);
      expect(shown).toMatch(/^\+\s+"url": "\*\*\*"/m);
      for (const value of [...every(SECRET_VALUES), 'old-hook-secret-value-abcdef', input.secrets.hosting_management.api_token!])
        expect(shown).not.toContain(value);
      await step.apply(rootedHost(), changes);
      expect((await stat(onServer)).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await readFile(onServer, 'utf8')).alert_channels.chat).toEqual(SECRET_VALUES.chat);
    },
  );
});

describe('provisioning refuses to start without the channels’ secrets', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-alerts-secrets-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function refusal(channels: object): Promise<{ message: string; hint: string }> {
    const config = parseConfig(configText(ALERTS), path.join(dir, 'hms.config.json'));
    const complete = (await exampleInput(config)).secrets;
    const file = path.join(dir, '.secrets.json');
    const secrets = secretsSchema.parse({ ...complete, alert_channels: channels });
    await writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
    const error = await readCompleteSecrets(config, file).then(
      () => undefined,
      (e: Error & { hint: string }) => e,
    );
    return { message: error?.message ?? '(accepted)', hint: error?.hint ?? '' };
  }

  it(
    'Given no alert_channels at all, When provisioning gathers its input, ' +
      'Then it names each missing key, `hms secrets init` for the signing keys and by hand for the rest',
    async () => {
      const { message, hint } = await refusal({});
      expect(message).toContain(
        'lacks alert_channels.hook.secret, alert_channels.ops.secret, alert_channels.hook.url, alert_channels.chat.url, ' +
          'alert_channels.mail.password.',
      );
      expect(hint).toContain('Run `hms secrets init` to add alert_channels.hook.secret, alert_channels.ops.secret.');
      expect(hint).toMatch(/Add alert_channels\.chat\.url to \S+\.secrets\.json by hand: Slack's incoming-webhook URL/);
      expect(hint).toContain('Add alert_channels.mail.password to');
      expect(hint).toContain('the SMTP password of hms on smtp.example.test');
      expect(hint).not.toContain('relay');
    },
  );

  it('Given only the signing keys missing, When gathered, Then the hint is `hms secrets init` alone', async () => {
    const { hook, chat, mail } = SECRET_VALUES;
    const { message, hint } = await refusal({ hook: { url: hook.url }, chat, mail });
    expect(message).toMatch(/lacks alert_channels\.hook\.secret, alert_channels\.ops\.secret\.$/);
    expect(hint).toBe('Run `hms secrets init` to add them.');
  });

  it('Given a channel URL in the secrets that is not http(s), When gathered, Then it is refused (the agent would not start)', async () => {
    const { message, hint } = await refusal({ ...SECRET_VALUES, chat: { url: 'hooks.slack.test/services/T000' } });
    expect(message).toMatch(/has no http\(s\) URL in alert_channels\.chat\.url\.$/);
    expect(hint).toMatch(/^Correct alert_channels\.chat\.url in \S+ by hand: Slack's incoming-webhook URL/);
    expect(message).not.toContain('hooks.slack.test');
  });

  it('Given every secret a channel needs (an empty one is missing), When gathered, Then it is refused while one is empty', async () => {
    expect((await refusal({ ...SECRET_VALUES, chat: { url: ' ' } })).message).toMatch(/lacks alert_channels\.chat\.url\.$/);
    expect((await refusal(SECRET_VALUES)).message).toBe('(accepted)');
  });
});

import { readFile, stat } from 'node:fs/promises';
import bcrypt from 'bcryptjs';
import { HmsError } from '../../src/core/errors.js';
import { isTooOpen, tooOpenError } from '../../src/core/file-mode.js';

/** What the agent needs from the `.secrets.json` format's hosting_management section. */
export interface AgentSecrets {
  adminUsername: string;
  /** bcrypt hash; a plain password in the file is hashed once, when first needed (a login). */
  readonly adminPasswordHash: string;
  /**
   * The password as the file holds it (plain or bcrypt): what a session's fingerprint is
   * made from, so it changes with the password, not with the random salt of each start.
   */
  adminPasswordSource: string;
  jwtSecret: string;
  apiToken: string;
  /** The alert channels' secrets (`alert_channels`, by channel name): a webhook's signing key, a URL with a token, an SMTP password. */
  alertChannels?: Record<string, AlertChannelSecrets>;
}

export interface AlertChannelSecrets {
  secret?: string;
  url?: string;
  password?: string;
}

export async function loadAgentSecrets(file: string): Promise<AgentSecrets> {
  const info = await stat(file).catch((error: unknown) => {
    throw new HmsError(`No secrets file at ${file}.`, {
      cause: error,
      hint: 'Provisioning writes it (`hms provision`), or set secretsFile in the agent config.',
    });
  });
  if (isTooOpen(info.mode)) throw tooOpenError(file, info.mode);
  let raw: { hosting_management?: Record<string, unknown>; alert_channels?: unknown };
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw new HmsError(`${file} is not valid JSON.`, { hint: 'Rewrite it with `hms provision`.' });
  }
  return secretsFromJson(raw, file);
}

export function secretsFromJson(
  raw: { hosting_management?: Record<string, unknown>; alert_channels?: unknown },
  file = 'secrets',
): AgentSecrets {
  const section = raw.hosting_management ?? {};
  const get = (key: string): string => {
    const value = section[key];
    if (typeof value !== 'string' || value.length === 0) {
      throw new HmsError(`${file}: hosting_management.${key} is missing.`, {
        hint: 'Run `hms secrets init` on the laptop, then `hms provision`.',
      });
    }
    return value;
  };
  const password = typeof section.admin_password_bcrypt === 'string' ? section.admin_password_bcrypt : get('admin_password');
  let hash = /^\$2[aby]\$\d\d\$/.test(password) ? password : undefined;
  const secrets = {
    adminUsername: get('admin_username'),
    // A plain password is hashed at the first login, not at start: bcrypt's loop at start left ~3 MB of
    // optimised code and touched pages resident in an agent nobody logs in to (measured on Node 18).
    get adminPasswordHash(): string {
      hash ??= bcrypt.hashSync(password, 10);
      return hash;
    },
    adminPasswordSource: password,
    jwtSecret: get('jwt_secret'),
    apiToken: get('api_token'),
    alertChannels: alertChannels(raw.alert_channels, file),
  };
  if (secrets.jwtSecret.length < 32 || secrets.apiToken.length < 32) {
    throw new HmsError(`${file}: jwt_secret and api_token must be at least 32 characters.`, {
      hint: 'Run `hms secrets init --rotate KEY` on the laptop.',
    });
  }
  return secrets;
}

/** `alert_channels`: optional; each channel's keys must be strings (a wrong type is named, its value never printed). */
function alertChannels(section: unknown, file: string): Record<string, AlertChannelSecrets> {
  if (section === undefined || section === null) return {};
  const fail = (where: string, what = 'an object of strings (secret, url, password)') =>
    new HmsError(`${file}: alert_channels${where} must be ${what}.`, {
      hint: 'Fix it in .secrets.json on the laptop, then run `hms provision`.',
    });
  if (typeof section !== 'object' || Array.isArray(section)) throw fail('');
  const channels: Record<string, AlertChannelSecrets> = {};
  for (const [name, value] of Object.entries(section)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(`.${name}`);
    const entry: AlertChannelSecrets = {};
    for (const key of ['secret', 'url', 'password'] as const) {
      const field = (value as Record<string, unknown>)[key];
      if (field === undefined) continue;
      if (typeof field !== 'string') throw fail(`.${name}.${key}`, 'a string');
      entry[key] = field;
    }
    channels[name] = entry;
  }
  return channels;
}

import { z } from 'zod';
import { envNameSchema, envValueSchema, keyedRecord } from '../config/app-extras.js';
import { domainSchema } from '../core/names.js';

/** An absolute path with no spaces, quotes or `..`: it goes into nginx's config and a certbot hook's list. */
const FILE_PATH = /^(?!.*\/\.\.(\/|$))\/[A-Za-z0-9._/@+-]+$/;

/** The `.secrets.json` format of the system hms replaces, kept as it was. */
export const sslEntrySchema = z.object({
  domain: domainSchema,
  cert_path: z.string().regex(FILE_PATH, 'must be an absolute path of letters, digits and "._/@+-"'),
  key_path: z.string().regex(FILE_PATH, 'must be an absolute path of letters, digits and "._/@+-"'),
});

export const secretsSchema = z.object({
  database_passwords: z.record(z.string(), z.string()).default({}),
  secret_key_bases: z.record(z.string(), z.string()).default({}),
  /** restic repository passwords by repository (`local`: the one on each server). */
  backup_passwords: z.record(z.string(), z.string()).default({}),
  /** SSH keys (OpenSSH format) a server logs in with to the offsite repository it copies its backups into, by repository. */
  offsite_keys: z.record(z.string(), z.object({ private_key: z.string(), public_key: z.string() })).default({}),
  /** The password of each server's Redis (`apps.<name>.redis`), by server. */
  redis_passwords: z.record(z.string(), z.string()).default({}),
  /** Secret settings of each app's env file, by app: NAME -> value (the names and values apps.<name>.env allows). */
  app_env: z.record(z.string(), keyedRecord(envNameSchema, envValueSchema)).default({}),
  /**
   * What each alert channel (hms.config.json `alerts.channels`) needs kept secret, by channel: a webhook's
   * signing `secret` (made by `hms secrets init`), a Slack or webhook `url` that carries a token, an SMTP `password`.
   */
  alert_channels: z
    .record(z.string(), z.strictObject({ secret: z.string().optional(), url: z.string().optional(), password: z.string().optional() }))
    .default({}),
  hosting_management: z
    .object({
      admin_username: z.string().optional(),
      admin_password: z.string().optional(),
      jwt_secret: z.string().optional(),
      api_token: z.string().optional(),
    })
    .default({}),
  ssl_config: z.record(z.string(), sslEntrySchema).default({}),
});

export type Secrets = z.infer<typeof secretsSchema>;
export type SslEntry = z.infer<typeof sslEntrySchema>;

export const SECRETS_FILE_NAME = '.secrets.json';

/** Values the old system's docs used as examples; a real file must not keep them. */
export const PLACEHOLDERS = new Set([
  'secure_password_here',
  'jwt_secret_key_here',
  'api_token_for_cli_here',
  'changeme',
  'change_me',
  'password',
  'secret',
  'admin',
  'xxx',
  'todo',
]);

export function isPlaceholder(value: string): boolean {
  const v = value.trim().toLowerCase();
  return v === '' || PLACEHOLDERS.has(v) || /_here$|^<.*>$|^\.\.\.$/.test(v);
}

/**
 * What an app's env file holds, variable by variable, and the file itself: hms's own
 * variables (RAILS_ENV, SECRET_KEY_BASE, DATABASE_URL, REDIS_URL, …), then the plain
 * settings of `apps.<name>.env` and the secret settings of `.secrets.json` `app_env.<name>`,
 * each part under a comment line that the dry run's redaction reads (plain values shown,
 * secret ones masked). `hms provision` writes the file from it and `hms env` compares the
 * server's file with it, so the two cannot drift.
 */
import type { AppConfig } from '../config/schema.js';
import { redisDbOf } from '../config/app-extras.js';
import { envFileLine } from '../core/env-file.js';
import { HmsError } from '../core/errors.js';
import type { Secrets } from '../secrets/schema.js';
import type { ProvisionInput } from './input.js';
import { appDatabases, databaseUrl, encodeStrictly } from './postgres.js';
import { PLAIN_SETTINGS, SECRET_SETTINGS } from './redact.js';

export type EnvSource = 'hms' | 'config' | 'secret';

export interface EnvVariable {
  name: string;
  value: string;
  source: EnvSource;
  /** Never shown: secret settings and hms's own secrets (keys, passwords, URLs that carry one). */
  secret: boolean;
}

export const REDIS_PORT = 6379;

/** What an app reads: `redis://:password@127.0.0.1:6379/db`, the password percent-encoded. */
export const redisUrl = (password: string, db: number): string => `redis://:${encodeStrictly(password)}@127.0.0.1:${REDIS_PORT}/${db}`;

/** Refuses a setting named both in hms.config.json and in .secrets.json: which one the app gets would be a guess. */
export function checkAppSettings(apps: Array<[string, Pick<AppConfig, 'env'>]>, secrets: Pick<Secrets, 'app_env'>): void {
  for (const [app, config] of apps) {
    const both = Object.keys(config.env).filter((name) => name in (secrets.app_env[app] ?? {}));
    if (both.length > 0) {
      throw new HmsError(`${both.join(', ')} is set in both apps.${app}.env (hms.config.json) and app_env.${app} (.secrets.json).`, {
        hint: 'Keep each setting in one place: plain ones in hms.config.json, secret ones in .secrets.json.',
      });
    }
  }
}

/** The Redis password of the app's server, refused when .secrets.json lacks it. */
export function redisPassword(secrets: Pick<Secrets, 'redis_passwords'>, server: string): string {
  const password = secrets.redis_passwords[server];
  if (!password) throw new HmsError(`.secrets.json has no redis_passwords.${server}.`, { hint: 'Run `hms secrets init` to add it.' });
  return password;
}

/** Every variable of `app`'s env file, in the file's order. */
export function appEnvVariables(input: Pick<ProvisionInput, 'apps' | 'secrets'>, app: string): EnvVariable[] {
  const config = input.apps.find(([name]) => name === app)?.[1];
  if (!config) throw new HmsError(`No app "${app}" on this server.`);
  checkAppSettings(input.apps, input.secrets);
  const hms = (name: string, value: string, secret: boolean): EnvVariable => ({ name, value, source: 'hms', secret });
  const database = appDatabases(input).find((db) => db.app === app);
  const db = redisDbOf(config);
  return [
    hms('RAILS_ENV', 'production', false),
    hms('RACK_ENV', 'production', false),
    hms('SECRET_KEY_BASE', input.secrets.secret_key_bases[app] ?? '', true),
    hms('DATABASE_PASSWORD', input.secrets.database_passwords[app] ?? '', true),
    ...(database ? [hms('DATABASE_URL', databaseUrl(database), true)] : []),
    hms('RAILS_SERVE_STATIC_FILES', '', false),
    ...(db === undefined ? [] : [hms('REDIS_URL', redisUrl(redisPassword(input.secrets, config.server), db), true)]),
    ...Object.entries(config.env).map(([name, value]) => ({ name, value, source: 'config' as const, secret: false })),
    ...Object.entries(input.secrets.app_env[app] ?? {}).map(([name, value]) => ({ name, value, source: 'secret' as const, secret: true })),
  ];
}

/** The env file's text: hms's variables, then each kind of setting under its comment line. */
export function appEnvFileContent(app: string, variables: EnvVariable[]): string {
  const lines = (source: EnvSource) => variables.filter((v) => v.source === source).map((v) => envFileLine(v.name, v.value));
  const part = (header: string, body: string[]) => (body.length > 0 ? [header, ...body] : []);
  return [
    ...lines('hms'),
    ...part(`${PLAIN_SETTINGS}: apps.${app}.env of hms.config.json`, lines('config')),
    ...part(`${SECRET_SETTINGS}: app_env.${app} of .secrets.json (masked in every diff)`, lines('secret')),
    '',
  ].join('\n');
}

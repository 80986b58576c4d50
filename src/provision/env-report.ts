/**
 * `hms env <app>`: every variable the app's env file has or should have, where it comes
 * from, its value where it is not secret, and how the server's file compares with what
 * provisioning would write (the same function, app-env.ts). The server answers with
 * keyed digests (src/api/env.ts), so no value crosses the wire either way.
 */
import type { EnvDigests } from '../api/env.js';
import { appEnvDigests } from '../client/env-client.js';
import type { ApiClient } from '../client/api-client.js';
import type { Config } from '../config/schema.js';
import { envValueDigest } from '../core/env-file.js';
import { HmsError } from '../core/errors.js';
import { appEnvVariables, type EnvSource, type EnvVariable } from './app-env.js';
import { readCompleteSecrets } from './gather.js';

export const MASKED = '••••';

export type EnvState = 'same' | 'differs' | 'missing on server' | 'only on server';

export interface EnvRow {
  name: string;
  /** Where hms takes it from; `server` for a variable only the server's file has. */
  source: EnvSource | 'server';
  /** The value for plain settings and hms's plain values; MASKED for secrets and what only the server has. */
  value: string;
  secret: boolean;
  state: EnvState;
}

export interface EnvReport {
  app: string;
  server: string;
  file: string;
  rows: EnvRow[];
  /** True when the server's file gives every variable hms would write, and nothing else. */
  inSync: boolean;
  next: string;
}

/** Each wanted variable against the server's digests, then the names only the server has. */
export function compareEnv(wanted: EnvVariable[], server: EnvDigests): EnvRow[] {
  const digests = new Map(server.variables.map((v) => [v.name, v.digest]));
  const rows: EnvRow[] = wanted.map((v) => {
    const digest = digests.get(v.name);
    const state: EnvState =
      digest === undefined ? 'missing on server' : digest === envValueDigest(server.key, v.value) ? 'same' : 'differs';
    return { name: v.name, source: v.source, value: v.secret ? MASKED : v.value, secret: v.secret, state };
  });
  const known = new Set(wanted.map((v) => v.name));
  for (const { name } of server.variables.filter((v) => !known.has(v.name))) {
    rows.push({ name, source: 'server', value: MASKED, secret: true, state: 'only on server' });
  }
  return rows;
}

export interface EnvReportOptions {
  config: Config;
  secretsFile: string;
  app: string;
  client: ApiClient;
}

export async function envReport({ config, secretsFile, app, client }: EnvReportOptions): Promise<EnvReport> {
  const appConfig = config.apps[app];
  if (!appConfig) {
    throw new HmsError(`Unknown app "${app}".`, { hint: `Apps in hms.config.json: ${Object.keys(config.apps).join(', ') || 'none'}.` });
  }
  const secrets = await readCompleteSecrets(config, secretsFile);
  const apps = Object.entries(config.apps).filter(([, other]) => other.server === appConfig.server);
  const wanted = appEnvVariables({ apps, secrets }, app);
  const server = await appEnvDigests(client, app);
  const rows = compareEnv(wanted, server);
  const inSync = rows.every((row) => row.state === 'same');
  const next = inSync
    ? `${app}'s env file on ${appConfig.server} is what hms would write.`
    : `Run \`hms provision ${appConfig.server}\` to apply; it restarts ${app}'s processes.`;
  return { app, server: appConfig.server, file: server.file, rows, inSync, next };
}

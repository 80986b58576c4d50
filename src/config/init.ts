import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { HmsError, UsageError } from '../core/errors.js';
import { formatIssues } from '../core/config-issues.js';
import { configSchema } from './schema.js';

export interface AppAnswers {
  name: string;
  domain: string;
  repo: string;
  branch?: string | undefined;
}

export interface InitAnswers {
  server: string;
  host: string;
  port?: number | undefined;
  user?: string | undefined;
  identityFile?: string | undefined;
  publicUrl?: string | undefined;
  app?: AppAnswers | undefined;
}

export interface InitReport {
  file: string;
  created: boolean;
  /** The server written, or the one the app was added to. */
  server: string;
  servers: string[];
  apps: string[];
}

interface RawConfig {
  servers: Record<string, unknown>;
  apps: Record<string, unknown>;
}

/**
 * Writes or extends hms.config.json: adds (or replaces, with `force`) one server and
 * optionally one app. The result is validated like any configuration before it is
 * written, so `hms init` never leaves a file hms would refuse.
 */
export async function writeInitialConfig(file: string, answers: InitAnswers, force = false): Promise<InitReport> {
  const created = !existsSync(file);
  const raw = created ? { servers: {}, apps: {} } : await readRaw(file);
  if (raw.servers[answers.server] && !force) {
    throw new HmsError(`${file} already describes a server named "${answers.server}".`, {
      hint: 'Pass --force to replace it, or choose another --name.',
    });
  }
  raw.servers[answers.server] = compact({
    host: answers.host,
    port: answers.port,
    user: answers.user,
    identityFile: answers.identityFile,
    publicUrl: answers.publicUrl,
  });
  if (answers.app) putApp(file, raw, answers.server, answers.app, force);
  return save(file, raw, created, answers.server);
}

/**
 * Adds one app to a server the file already describes: `server` when given, else
 * the only one. An app of the same name is replaced only with `force`.
 */
export async function addAppToConfig(file: string, server: string | undefined, app: AppAnswers, force = false): Promise<InitReport> {
  if (!existsSync(file)) {
    throw new HmsError(`${file} does not exist, so there is no server to add ${app.name} to.`, {
      hint: `Describe the server first: \`hms init --host HOST --app ${app.name} --domain ${app.domain} --repo ${app.repo}\`.`,
    });
  }
  const raw = await readRaw(file);
  const names = Object.keys(raw.servers);
  const chosen = server ?? (names.length === 1 ? names[0] : undefined);
  if (!chosen)
    throw new UsageError(
      `${file} describes several servers: say which one gets ${app.name}.`,
      `Add --server NAME (one of ${names.join(', ')}).`,
    );
  if (!raw.servers[chosen]) {
    throw new UsageError(
      `${file} describes no server named "${chosen}".`,
      `Known servers: ${names.join(', ') || 'none'}. To add one: \`hms init --name ${chosen} --host HOST\`.`,
    );
  }
  putApp(file, raw, chosen, app, force);
  return save(file, raw, false, chosen);
}

function putApp(file: string, raw: RawConfig, server: string, app: AppAnswers, force: boolean): void {
  if (raw.apps[app.name] && !force) {
    throw new HmsError(`${file} already describes an app named "${app.name}".`, {
      hint: 'Pass --force to replace it, or choose another --app name.',
    });
  }
  raw.apps[app.name] = compact({ server, repo: app.repo, domain: app.domain, branch: app.branch });
}

async function readRaw(file: string): Promise<RawConfig> {
  let parsed: Partial<RawConfig>;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<RawConfig>;
  } catch (error) {
    throw new HmsError(`${file} is not valid JSON.`, { hint: 'Fix it by hand, or move it away and run `hms init` again.', cause: error });
  }
  return { ...parsed, servers: parsed.servers ?? {}, apps: parsed.apps ?? {} };
}

async function save(file: string, raw: RawConfig, created: boolean, server: string): Promise<InitReport> {
  const check = configSchema.safeParse(raw);
  if (!check.success)
    throw new HmsError(formatIssues('hms init', check.error.issues), {
      hint: 'Fix the value given for that key and run `hms init` again.',
    });
  await writeFile(file, `${JSON.stringify(raw, null, 2)}\n`);
  return { file, created, server, servers: Object.keys(raw.servers), apps: Object.keys(raw.apps) };
}

function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

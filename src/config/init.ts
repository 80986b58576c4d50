import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { HmsError } from '../errors.js';
import { formatIssues } from './issues.js';
import { configSchema } from './schema.js';

export interface InitAnswers {
  server: string;
  host: string;
  port?: number | undefined;
  user?: string | undefined;
  identityFile?: string | undefined;
  publicUrl?: string | undefined;
  app?: { name: string; domain: string; repo: string; branch?: string | undefined } | undefined;
}

export interface InitReport {
  file: string;
  created: boolean;
  servers: string[];
  apps: string[];
}

/**
 * Writes or extends hms.config.json: adds (or replaces, with `force`) one server and
 * optionally one app. The result is validated like any configuration before it is
 * written, so `hms init` never leaves a file hms would refuse.
 */
export async function writeInitialConfig(file: string, answers: InitAnswers, force = false): Promise<InitReport> {
  const created = !existsSync(file);
  const raw = created ? { servers: {}, apps: {} } : (JSON.parse(await readFile(file, 'utf8')) as { servers: Record<string, unknown>; apps?: Record<string, unknown> });
  raw.apps ??= {};
  if (raw.servers[answers.server] && !force) {
    throw new HmsError(`${file} already describes a server named "${answers.server}".`, { hint: 'Pass --force to replace it, or choose another --name.' });
  }
  raw.servers[answers.server] = compact({
    host: answers.host,
    port: answers.port,
    user: answers.user,
    identityFile: answers.identityFile,
    publicUrl: answers.publicUrl,
  });
  if (answers.app) {
    raw.apps[answers.app.name] = compact({ server: answers.server, repo: answers.app.repo, domain: answers.app.domain, branch: answers.app.branch });
  }
  const check = configSchema.safeParse(raw);
  if (!check.success) throw new HmsError(formatIssues('hms init', check.error.issues), { hint: 'Fix the value given for that key and run `hms init` again.' });
  await writeFile(file, `${JSON.stringify(raw, null, 2)}\n`);
  return { file, created, servers: Object.keys(raw.servers), apps: Object.keys(raw.apps) };
}

function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Config } from '../config/schema.js';
import { isTooOpen } from '../core/file-mode.js';
import { parseSecrets, readSecrets, writeSecrets } from './file.js';
import { fillSecrets, findProblems, rotatableKeys, type SecretsProblem } from './plan.js';
import { SECRETS_FILE_NAME, secretsSchema, type Secrets } from './schema.js';

/** `.secrets.json` lives next to the configuration it belongs to. */
export function secretsPathFor(config: Config | undefined, explicit: string | undefined, cwd = process.cwd()): string {
  if (explicit) return path.resolve(cwd, explicit);
  return path.join(config ? path.dirname(config.file) : cwd, SECRETS_FILE_NAME);
}

export interface InitSecretsOptions {
  file: string;
  config: Config | undefined;
  rotate?: string | undefined;
}

export interface InitSecretsReport {
  file: string;
  created: boolean;
  added: string[];
  kept: string[];
  rotated: string[];
}

/** Creates or completes the secrets file. Reports key names only, never values. */
export async function initSecrets({ file, config, rotate }: InitSecretsOptions): Promise<InitSecretsReport> {
  const allowed = rotatableKeys(config);
  if (rotate !== undefined && !allowed.includes(rotate)) {
    throw new UsageError(`Cannot rotate "${rotate}": not a generated secret.`, `Rotatable keys: ${allowed.join(', ')}.`);
  }
  const created = !existsSync(file);
  const existing: Secrets = created ? secretsSchema.parse({}) : await readSecrets(file);
  const result = fillSecrets(existing, config, rotate);
  if (result.added.length > 0 || result.rotated.length > 0) await writeSecrets(file, result.secrets);
  return { file, created, added: result.added, kept: result.kept, rotated: result.rotated };
}

export interface CheckSecretsReport {
  file: string;
  exists: boolean;
  mode: string | undefined;
  tooOpen: boolean;
  problems: SecretsProblem[];
  fixes: string[];
  ok: boolean;
}

/** What needs attention in the secrets file; reads it even when its mode is too open. */
export async function checkSecrets(file: string, config: Config | undefined): Promise<CheckSecretsReport> {
  if (!existsSync(file)) {
    return { file, exists: false, mode: undefined, tooOpen: false, problems: [], fixes: ['hms secrets init'], ok: false };
  }
  const info = await stat(file);
  const tooOpen = isTooOpen(info.mode);
  const fixes: string[] = [];
  if (tooOpen) fixes.push(`chmod 600 ${file}`);
  // Checking a loose file is the point of `check`, so the mode is reported, not refused.
  const secrets = parseSecrets(await readFile(file, 'utf8'), file);
  const problems = findProblems(secrets, config);
  if (problems.some((p) => p.problem === 'missing' && !p.byHand)) fixes.push('hms secrets init');
  for (const p of problems.filter((p) => p.byHand))
    fixes.push(`${p.problem === 'missing' ? 'add' : 'correct'} ${p.key} by hand: ${p.byHand}`);
  for (const p of problems.filter((p) => p.problem !== 'missing' && !p.byHand)) fixes.push(`hms secrets init --rotate ${p.key}`);
  return {
    file,
    exists: true,
    mode: (info.mode & 0o777).toString(8).padStart(3, '0'),
    tooOpen,
    problems,
    fixes,
    ok: !tooOpen && problems.length === 0,
  };
}

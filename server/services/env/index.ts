/**
 * env = an app's env file as names and keyed digests of their values (src/api/env.ts):
 * read as systemd reads it, by the agent (root), for `hms env` to compare with what
 * provisioning would write. No value is returned, logged or audited.
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EnvDigests } from '../../../src/api/env.js';
import { envValueDigest, parseEnvFile } from '../../../src/core/env-file.js';
import type { AgentDeps } from '../../env.js';
import { ApiError, allowed } from '../../errors.js';

/** Env files are a few lines; a larger one is not the file provisioning wrote. */
const MAX_BYTES = 256 * 1024;

async function readEnvFile(file: string): Promise<string | undefined> {
  try {
    if ((await stat(file)).size > MAX_BYTES) {
      throw new ApiError(413, `${file} is larger than ${MAX_BYTES} bytes; it is not the file hms writes.`);
    }
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (error instanceof ApiError) throw error;
    throw new ApiError(500, `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`, {
      hint: 'The agent runs as root to read it; check its unit and the file with `hms provision --dry-run`.',
    });
  }
}

export async function envDigests(deps: AgentDeps, app: string): Promise<EnvDigests> {
  allowed('app', app, deps.config.apps);
  const file = path.join(deps.config.envDir, `${app}.env`);
  const text = await readEnvFile(file);
  const key = randomBytes(32).toString('hex');
  const variables = Object.entries(text === undefined ? {} : parseEnvFile(text))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, digest: envValueDigest(key, value) }));
  return { app, file, exists: text !== undefined, key, variables };
}

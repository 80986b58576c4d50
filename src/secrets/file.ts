import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { HmsError } from '../core/errors.js';
import { formatIssues } from '../core/config-issues.js';
import { isTooOpen, tooOpenError } from '../core/file-mode.js';
import { secretsSchema, type Secrets } from './schema.js';

/** Reads and validates the secrets file, refusing one that others can read (like ssh). */
export async function readSecrets(file: string): Promise<Secrets> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    throw new HmsError(`No secrets file at ${file}.`, {
      hint: 'Run `hms secrets init` to create it, or pass --secrets PATH.',
      cause: error,
    });
  }
  if (isTooOpen(info.mode)) throw tooOpenError(file, info.mode);
  return parseSecrets(await readFile(file, 'utf8'), file);
}

/** Validates a secrets text. Error messages name keys, never values. */
export function parseSecrets(text: string, file: string): Secrets {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error: it could be a secret.
    throw new HmsError(`${file} is not valid JSON.`, {
      hint: `Fix its syntax by hand (the message is kept short so no secret is shown), or move it away and run \`hms secrets init\`.`,
    });
  }
  const result = secretsSchema.safeParse(raw);
  if (!result.success) {
    throw new HmsError(formatIssues(path.basename(file), result.error.issues), {
      hint: 'Fix the file; the README describes the .secrets.json format.',
    });
  }
  return result.data;
}

/** Writes atomically: a 0600 temporary file in the same folder, fsync, rename. */
export async function writeSecrets(file: string, secrets: Secrets): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(secrets, null, 2)}\n`);
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw new HmsError(`Could not write ${file}: ${(error as Error).message}`, { cause: error });
  }
}

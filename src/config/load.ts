import path from 'node:path';
import { HmsError } from '../core/errors.js';
import { configSchema, type Config, type ValidatedConfig } from './schema.js';
import { formatIssues } from '../core/config-issues.js';
import { readConfigText, resolveConfig } from './paths.js';

export { CONFIG_FILE_NAME, configCandidates, expandPath, findConfigFile, readConfigText } from './paths.js';

/** Checks a configuration text against the schema: the data as validated (defaults filled in), or an error saying what to fix. */
export function validateConfig(text: string, file: string): ValidatedConfig {
  const shown = path.basename(file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new HmsError(`${shown}: not valid JSON (${(error as Error).message})`, {
      hint: `Fix the syntax of ${file}; hms.config.example.json shows the format.`,
      cause: error,
    });
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new HmsError(formatIssues(shown, result.error.issues), {
      hint: `Fix ${file}; the README's configuration reference lists every key.`,
    });
  }
  return result.data;
}

/** Parses a configuration text; relative paths are taken from the file's folder. */
export function parseConfig(text: string, file: string): Config {
  return resolveConfig(validateConfig(text, file), file);
}

export async function loadConfig(file: string): Promise<Config> {
  return parseConfig(await readConfigText(file), file);
}

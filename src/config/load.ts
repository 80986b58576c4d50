import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { HmsError } from '../core/errors.js';
import { configSchema, type Config } from './schema.js';
import { formatIssues } from '../core/config-issues.js';

export const CONFIG_FILE_NAME = 'hms.config.json';

/** Where hms looks for its configuration: --config, then ./hms.config.json, then XDG. */
export function configCandidates(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string[] {
  const xdg = env.XDG_CONFIG_HOME || path.join(env.HOME || homedir(), '.config');
  return [path.join(cwd, CONFIG_FILE_NAME), path.join(xdg, 'hms', 'config.json')];
}

export function findConfigFile(explicit?: string, env = process.env, cwd = process.cwd()): string | undefined {
  if (explicit) return path.resolve(cwd, explicit);
  return configCandidates(env, cwd).find((candidate) => existsSync(candidate));
}

export function expandPath(value: string, baseDir: string, home = process.env.HOME || homedir()): string {
  if (value === '~') return home;
  if (value.startsWith('~/')) return path.join(home, value.slice(2));
  return path.resolve(baseDir, value);
}

/** Parses a configuration text; relative paths are taken from the file's folder. */
export function parseConfig(text: string, file: string): Config {
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
  const baseDir = path.dirname(file);
  const servers = Object.fromEntries(
    Object.entries(result.data.servers).map(([name, server]) => [
      name,
      {
        ...server,
        knownHostsFile: expandPath(server.knownHostsFile, baseDir),
        identityFile: server.identityFile && expandPath(server.identityFile, baseDir),
        caFile: server.caFile && expandPath(server.caFile, baseDir),
        deployKeyFile: server.deployKeyFile && expandPath(server.deployKeyFile, baseDir),
      },
    ]),
  );
  const apps = Object.fromEntries(
    Object.entries(result.data.apps).map(([name, app]) => [
      name,
      {
        ...app,
        checkout: app.checkout && expandPath(app.checkout, baseDir),
        files: Object.fromEntries(Object.entries(app.files).map(([shared, local]) => [shared, expandPath(local, baseDir)])),
      },
    ]),
  );
  return {
    file,
    servers,
    apps,
    ...(result.data.alerts ? { alerts: result.data.alerts } : {}),
    ...(result.data.connection ? { connection: result.data.connection } : {}),
  };
}

export async function loadConfig(file: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new HmsError(`Cannot read the configuration ${file}: ${(error as NodeJS.ErrnoException).code}`, {
      hint: 'Check the path given to --config, or run `hms init` to write one.',
      cause: error,
    });
  }
  return parseConfig(text, file);
}

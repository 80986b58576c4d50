/**
 * Where the configuration is, and the paths in it made absolute. No schema here:
 * src/config/cached-load.ts uses this without loading zod's schemas when the file
 * was validated before.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { HmsError } from '../core/errors.js';
import type { Config, ValidatedConfig } from './schema.js';

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

/** The validated configuration with its paths taken from the file's folder (or ~). */
export function resolveConfig(data: ValidatedConfig, file: string): Config {
  const baseDir = path.dirname(file);
  const servers = Object.fromEntries(
    Object.entries(data.servers).map(([name, server]) => [
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
    Object.entries(data.apps).map(([name, app]) => [
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
    ...(data.alerts ? { alerts: data.alerts } : {}),
    ...(data.connection ? { connection: data.connection } : {}),
  };
}

/** The text of a configuration file, or an error saying what to check. */
export async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new HmsError(`Cannot read the configuration ${file}: ${(error as NodeJS.ErrnoException).code}`, {
      hint: 'Check the path given to --config, or run `hms init` to write one.',
      cause: error,
    });
  }
}

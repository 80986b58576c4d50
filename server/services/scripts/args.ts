/**
 * Where a script's path arguments really lead. The scripts run as root and read the
 * files they are given (parse_logs prints the error lines of any file), so every
 * argument that names a path (it has a "/", or is the value of check_disk_space's
 * --path) must be absolute and, symlinks resolved, lie inside the folders the
 * scripts are about: the apps' roots, nginx's log folders, /etc/nginx/ssl and
 * /etc/letsencrypt/live. check_disk_space only reads usage figures of its --path
 * (df, statfs), so that one may be any existing folder.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isPathShapeAllowed, PATH_OPTION_PATTERN } from '../../../src/api/scripts.js';
import type { AgentConfig } from '../../config.js';
import { ApiError } from '../../errors.js';
import { realPathOfNearest } from '../files/index.js';

const CERTIFICATE_ROOTS = ['/etc/nginx/ssl', '/etc/letsencrypt/live'];
/** Scripts whose option only measures a folder, never reads it: script -> option name. */
const MEASURED_OPTIONS: Record<string, string> = { check_disk_space: 'path' };

export interface PathArgument {
  /** 0-based position in args. */
  index: number;
  arg: string;
  path: string;
  /** Only measured (check_disk_space --path): any existing folder. */
  measured: boolean;
}

export function allowedArgumentRoots(config: AgentConfig): string[] {
  const roots = [
    ...Object.values(config.apps).map((app) => app.root),
    path.dirname(config.nginx.accessLog),
    path.dirname(config.nginx.errorLog),
    ...CERTIFICATE_ROOTS,
  ];
  return [...new Set(roots.map((root) => path.resolve(root)))];
}

/** The arguments that name a path: `/x`, `--name=/x`, and the value of a measured option (`--path X`, `--path=X`). */
export function pathArguments(script: string, args: readonly string[]): PathArgument[] {
  const measuredOption = Object.hasOwn(MEASURED_OPTIONS, script) ? MEASURED_OPTIONS[script] : undefined;
  const found: PathArgument[] = [];
  args.forEach((arg, index) => {
    const glued = PATH_OPTION_PATTERN.test(arg);
    const option = glued
      ? arg.slice(2, arg.indexOf('='))
      : index > 0 && /^--[A-Za-z0-9-]+$/.test(args[index - 1]!)
        ? args[index - 1]!.slice(2)
        : undefined;
    const value = glued ? arg.slice(arg.indexOf('=') + 1) : arg;
    const measured = measuredOption !== undefined && option === measuredOption;
    if (measured || value.includes('/')) found.push({ index, arg, path: value, measured });
  });
  return found;
}

function isWithin(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

async function problemOf(argument: PathArgument, realRoots: string[]): Promise<string | undefined> {
  if (!isPathShapeAllowed(argument.arg) || !argument.path.startsWith('/')) return 'is not an absolute path';
  if (argument.path.split('/').includes('..')) return 'must not contain ".."';
  if (argument.measured) {
    const info = await stat(argument.path).catch(() => undefined);
    return info?.isDirectory() ? undefined : 'is not an existing folder';
  }
  const real = await realPathOfNearest(argument.path);
  return real !== undefined && realRoots.some((root) => isWithin(root, real))
    ? undefined
    : 'leads outside the folders a script may be given';
}

/** A 400 naming the first argument whose path is not allowed, before anything runs. */
export async function checkScriptArguments(options: { config: AgentConfig; script: string; args: readonly string[] }): Promise<void> {
  const candidates = pathArguments(options.script, options.args);
  if (candidates.length === 0) return;
  const roots = allowedArgumentRoots(options.config);
  const realRoots = (await Promise.all(roots.map(realPathOfNearest))).filter((root): root is string => root !== undefined);
  for (const argument of candidates) {
    const problem = await problemOf(argument, realRoots);
    if (problem === undefined) continue;
    throw new ApiError(
      400,
      `Refusing to run "${options.script}": argument ${argument.index + 1} (${argument.arg.slice(0, 80)}) ${problem}.`,
      {
        hint: `A path argument must be absolute and lie (symlinks resolved) inside ${roots.join(', ')}${
          options.script === 'check_disk_space' ? "; check_disk_space's --path may be any existing folder" : ''
        }.`,
        details: { argument: argument.index, allowedRoots: roots },
      },
    );
  }
}

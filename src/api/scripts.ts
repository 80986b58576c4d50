/**
 * The /api/scripts contract: the troubleshooting scripts in the agent's scriptsDir
 * (every executable `*.sh` directly in it, by name without `.sh`) and a run's result.
 * Shared by the agent's routes and the laptop client.
 */
import { z } from 'zod';
import { lazy } from './lazy.js';

/**
 * The allow-listed name that `name` means: itself when listed, else the same name
 * without its `.sh` (`check_status.sh` is `check_status`, as the file is called on
 * disk). Only a lookup in `known`; the result is never a path. Unknown names come
 * back unchanged, for the caller's "unknown script" answer.
 */
export function knownScriptName(name: string, known: readonly string[]): string {
  if (known.includes(name) || !name.endsWith('.sh')) return name;
  const bare = name.slice(0, -'.sh'.length);
  return known.includes(bare) ? bare : name;
}

/** Each argument: boring characters only, no `..`. They are argv entries, never shell text. */
export const SCRIPT_ARG_PATTERN = /^[A-Za-z0-9@%+=:,./_-]*$/;
export const MAX_SCRIPT_ARGS = 16;
export const MAX_SCRIPT_ARG_LENGTH = 200;
export const DEFAULT_SCRIPT_TIMEOUT_SECONDS = 60;
export const MAX_SCRIPT_TIMEOUT_SECONDS = 600;

/** An option that takes a path takes it glued on: `--path=/var/www`. */
export const PATH_OPTION_PATTERN = /^--[A-Za-z0-9][A-Za-z0-9-]*=/;

/**
 * A path is absolute, alone or as `--name=/absolute/path` (never `-f/etc/shadow` or
 * `log/x`). The agent also checks where it really leads before anything runs: inside
 * the apps' roots, nginx's log folders, /etc/nginx/ssl or /etc/letsencrypt/live.
 */
export function isPathShapeAllowed(arg: string): boolean {
  if (!arg.includes('/')) return true;
  const value = PATH_OPTION_PATTERN.test(arg) ? arg.slice(arg.indexOf('=') + 1) : arg;
  return value.startsWith('/');
}

export const scriptArgSchema = z
  .string()
  .max(MAX_SCRIPT_ARG_LENGTH, `must be at most ${MAX_SCRIPT_ARG_LENGTH} characters`)
  .regex(SCRIPT_ARG_PATTERN, 'may only contain letters, digits and @%+=:,./_-')
  .refine((arg) => !arg.includes('..'), 'must not contain ".."')
  .refine(
    isPathShapeAllowed,
    'a path must be absolute (/var/www/cigar/shared/log/production.log), and an option takes one as --name=/absolute/path',
  );

export const scriptSummarySchema = lazy(() =>
  z.object({
    name: z.string(),
    /** The script's first comment paragraph, else the first line of its --help. */
    description: z.string(),
  }),
);
export type ScriptSummary = z.infer<typeof scriptSummarySchema>;

/** GET /api/scripts */
export const scriptListSchema = lazy(() => z.object({ scripts: z.array(scriptSummarySchema) }));
export type ScriptList = z.infer<typeof scriptListSchema>;

/** POST /api/scripts/:name/run body */
export const runScriptRequestSchema = lazy(() =>
  z.strictObject({
    args: z.array(scriptArgSchema).max(MAX_SCRIPT_ARGS, `at most ${MAX_SCRIPT_ARGS} arguments`).default([]),
    timeoutSeconds: z.number().int().min(1).max(MAX_SCRIPT_TIMEOUT_SECONDS).default(DEFAULT_SCRIPT_TIMEOUT_SECONDS),
  }),
);
export type RunScriptRequest = z.input<typeof runScriptRequestSchema>;

/**
 * How a run ended. Exit codes follow the Nagios convention of remote-cli-tools:
 * 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; null when killed by a signal.
 */
export const scriptExitSchema = lazy(() =>
  z.object({
    code: z.number().int().nullable(),
    signal: z.string().nullable(),
    timedOut: z.boolean(),
    durationMs: z.number().int().nonnegative(),
  }),
);
export type ScriptExit = z.infer<typeof scriptExitSchema>;

/** The run's result with `Accept: application/json` (output capped at 1 MiB per stream, newest kept). */
export const scriptRunResultSchema = scriptExitSchema.extend({ stdout: z.string(), stderr: z.string() });
export type ScriptRunResult = z.infer<typeof scriptRunResultSchema>;

/**
 * POST /api/apps/:name/exec: one command run in the app's current release, as the deploy
 * user, with the app's environment (its unit's Environment= and EnvironmentFile=). The
 * argv is an array, never a shell string; its output comes as SCRIPT_RUN_EVENTS
 * (streams.ts), or as one ScriptRunResult with `Accept: application/json`.
 */
import { z } from 'zod';
import { lazy } from './lazy.js';

export const MAX_EXEC_TIMEOUT_SECONDS = 3600;
export const DEFAULT_EXEC_TIMEOUT_SECONDS = 600;

const word = z
  .string()
  .min(1, 'an empty word')
  .max(8192, 'a word over 8192 characters')
  .refine((value) => !value.includes('\0'), 'a NUL character');

export const execRequestSchema = lazy(() =>
  z.strictObject({
    argv: z
      .array(word)
      .min(1, 'no command')
      .max(200, 'more than 200 words')
      .refine((argv) => !argv[0]?.startsWith('-'), 'the command must not start with "-"'),
    timeoutSeconds: z.number().int().min(1).max(MAX_EXEC_TIMEOUT_SECONDS).default(DEFAULT_EXEC_TIMEOUT_SECONDS),
  }),
);
export type ExecRequest = z.input<typeof execRequestSchema>;

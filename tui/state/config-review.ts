/**
 * An edited nginx site waiting to be applied, and what a refused change means
 * for the person looking at it: a conflict (412), nginx's own words (422), the
 * lock (423), a reload that failed after the swap (502).
 */
import { changeFailureSchema } from '../../src/api/configs.js';
import { AgentError } from '../../src/client/http.js';
import type { DiffLine } from '../../src/core/diff.js';

export interface ConfigProblem {
  kind: 'conflict' | 'nginx' | 'locked' | 'failed';
  text: string;
  /** nginx -t's output, or how a failed reload ended. */
  detail?: string | undefined;
  hint?: string | undefined;
}

export interface Draft {
  server: string;
  site: string;
  /** The private copy the editor works on. */
  file: string;
  /** The live content the edit started from, and its etag (sent as If-Match). */
  original: string;
  etag: string;
  edited: string;
  diff: DiffLine[];
  problem?: ConfigProblem | undefined;
  applying: boolean;
}

export function configProblem(error: unknown): ConfigProblem {
  const e = error as Error & { hint?: string };
  if (!(error instanceof AgentError)) return { kind: 'failed', text: e.message, hint: e.hint };
  const details = (error.details ?? {}) as Record<string, unknown>;
  switch (error.status) {
    case 412:
      return {
        kind: 'conflict',
        text: 'Someone changed this site on the server since you opened it: nothing was applied.',
        hint: 'Press u to diff your copy against the live file now, then a to apply it again (or e to edit on).',
      };
    case 422:
      return {
        kind: 'nginx',
        text: e.message,
        detail: typeof details.stderr === 'string' ? details.stderr : undefined,
        hint: 'The live file is unchanged. Press e to fix your copy, then a again.',
      };
    case 423:
      return { kind: 'locked', text: e.message, hint: e.hint ?? 'Another change is being applied; press a again in a moment.' };
    default: {
      const failure = changeFailureSchema.safeParse(details);
      const detail = failure.success
        ? `${failure.data.stage} failed: ${failure.data.error}; ` +
          (failure.data.restored ? 'the previous file is live again' : 'the previous file could NOT be put back')
        : undefined;
      return { kind: 'failed', text: e.message, detail, hint: e.hint };
    }
  }
}

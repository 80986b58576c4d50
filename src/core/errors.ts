/**
 * User-facing errors. Each says what went wrong (`message`) and what to do next
 * (`hint`), keeps the original as `cause`, and carries the process exit code.
 * They are printed in one place: src/cli.ts.
 */
export class HmsError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HmsError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Bad flags or arguments: exit code 2, like most Unix tools. */
export class UsageError extends HmsError {
  constructor(message: string, hint?: string) {
    super(message, { hint: hint ?? 'Run `hms --help` for usage.', exitCode: 2 });
    this.name = 'UsageError';
  }
}

export function isHmsError(error: unknown): error is HmsError {
  return error instanceof HmsError;
}

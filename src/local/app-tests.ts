/**
 * Runs an app's own tests in its checkout on this laptop before a deploy (the
 * configured `testCommand`, an argv, through the exec door), output as it comes.
 */
import { performance } from 'node:perf_hooks';
import { exec as realExec } from '../platform/exec.js';
import { HmsError } from '../core/errors.js';

export interface AppTestsOptions {
  app: string;
  checkout: string;
  testCommand: readonly string[];
  onOutput?: (chunk: Buffer, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  exec?: typeof realExec;
}

export interface AppTestsResult {
  ok: boolean;
  code: number | null;
  ms: number;
  argv: readonly string[];
}

/** Tests may take long; past an hour something is stuck. */
const TESTS_TIMEOUT_MS = 60 * 60_000;

export async function runAppTests(options: AppTestsOptions): Promise<AppTestsResult> {
  const started = performance.now();
  const run = options.exec ?? realExec;
  const result = await run(options.testCommand, {
    cwd: options.checkout,
    ...(options.env ? { env: options.env } : {}),
    timeoutMs: TESTS_TIMEOUT_MS,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onOutput
      ? { onStdout: (chunk: Buffer) => options.onOutput!(chunk, 'stdout'), onStderr: (chunk: Buffer) => options.onOutput!(chunk, 'stderr') }
      : {}),
  }).catch((error: unknown) => {
    throw new HmsError(
      `Could not run the tests of ${options.app} (\`${options.testCommand.join(' ')}\` in ${options.checkout}): ` +
        (error as Error).message,
      {
        hint: `Check apps.${options.app}.checkout and testCommand in hms.config.json, or deploy with --skip-tests.`,
        cause: error,
      },
    );
  });
  return { ok: result.code === 0, code: result.code, ms: Math.round(performance.now() - started), argv: options.testCommand };
}

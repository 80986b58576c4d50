/**
 * Runs one allow-listed script: argv `[script, ...args]` through the exec door, with
 * a timeout, a minimal environment and cancellation; every run is audited.
 */
import { performance } from 'node:perf_hooks';
import { runScriptRequestSchema, type ScriptRunResult } from '../../../src/api/scripts.js';
import type { AgentDeps } from '../../env.js';
import { ApiError } from '../../errors.js';
import { resolveScript, type ScriptFile } from './scripts.js';
import { checkScriptArguments } from './args.js';
import { scriptArgv, scriptEnv } from './env.js';

export interface RunScriptOptions {
  deps: AgentDeps;
  actor: string;
  /** Validated by runScriptRequestSchema before it gets here. */
  args: string[];
  timeoutSeconds: number;
  /** Aborted when the client goes away: the script is killed. */
  signal?: AbortSignal;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

/** Looks the name up first, so an unknown one is a 404 before anything streams. */
export async function findScript(options: { deps: AgentDeps; name: string }): Promise<ScriptFile> {
  return resolveScript(options.deps.config.scriptsDir, options.name);
}

function exitDetail(
  options: RunScriptOptions,
  result: { code: number | null; signal: string | null; timedOut: boolean; aborted: boolean },
): string {
  const ending = result.timedOut
    ? `timed out after ${options.timeoutSeconds} s (${result.signal})`
    : result.aborted
      ? `stopped: the client went away (${result.signal ?? `exit ${result.code}`})`
      : result.code === null
        ? `killed by ${result.signal}`
        : `exit ${result.code}`;
  return `args: ${JSON.stringify(options.args)}; ${ending}`;
}

export async function runScript(options: RunScriptOptions & { script: ScriptFile }): Promise<ScriptRunResult> {
  const { deps, script } = options;
  // The route validated them; checked again because this is where they become argv.
  const checked = runScriptRequestSchema.safeParse({ args: options.args, timeoutSeconds: options.timeoutSeconds });
  if (!checked.success) throw new ApiError(400, `Refusing to run "${script.name}": ${checked.error.issues[0]!.message}.`);
  await checkScriptArguments({ config: deps.config, script: script.name, args: options.args });
  const record = (result: 'ok' | 'failed', detail: string) =>
    deps.audit.record({ actor: options.actor, action: 'script.run', target: script.name, result, detail });
  const started = performance.now();
  let result;
  try {
    result = await deps.exec(scriptArgv(script.file, options.args, options.timeoutSeconds), {
      env: scriptEnv(deps.config),
      cwd: '/',
      timeoutMs: options.timeoutSeconds * 1000,
      signal: options.signal,
      onStdout: options.onStdout,
      onStderr: options.onStderr,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await record('failed', `args: ${JSON.stringify(options.args)}; could not start: ${message}`);
    throw new ApiError(500, `Script "${script.name}" could not be started: ${message}`, {
      hint: `Check that ${script.file} has a valid #! line and is executable.`,
      cause: error,
    });
  }
  const durationMs = Math.round(performance.now() - started);
  await record(result.code === 0 ? 'ok' : 'failed', exitDetail(options, result));
  return { code: result.code, signal: result.signal, timedOut: result.timedOut, durationMs, stdout: result.stdout, stderr: result.stderr };
}

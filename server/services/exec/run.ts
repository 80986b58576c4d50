/**
 * `hms exec <app> -- <argv>`: one command in the app's current release (cwd), as the
 * deploy user (`runuser -u deploy --`), with the environment the app's unit gets (its
 * database, its secrets), bounded in time and memory, killed when the client goes away.
 * Audited: who, which app, the argv and how it ended (never its output).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execRequestSchema } from '../../../src/api/exec.js';
import type { ScriptRunResult } from '../../../src/api/scripts.js';
import type { AgentDeps } from '../../env.js';
import { allowed, ApiError } from '../../errors.js';
import { deployEnvironment } from '../deploys/index.js';

/** Rails boots into a few hundred MB; the limit stops a runaway, not a console. */
const EXEC_LIMITS = { memoryBytes: 4 * 1024 * 1024 * 1024 };
const USER = 'deploy';

export interface ExecOptions {
  deps: AgentDeps;
  app: string;
  actor: string;
  request: unknown;
  signal?: AbortSignal;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

/** The checks that come before any stream opens: the app, the request, a release to run in. */
export async function prepareExec(deps: AgentDeps, app: string, request: unknown) {
  const agentApp = allowed('app', app, deps.config.apps);
  const parsed = execRequestSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError(400, `Refusing to run that command: ${issue.path.join('.') || 'argv'}: ${issue.message}.`, {
      hint: 'Give the command as words after --: `hms exec cigar -- bin/rails runner "puts Visit.count"`.',
    });
  }
  const cwd = path.join(agentApp.root, 'current');
  if (!(await stat(cwd).catch(() => undefined))?.isDirectory()) {
    throw new ApiError(409, `${app} has no release to run in yet (${cwd} does not exist).`, {
      hint: `Deploy it first: \`hms deploy ${app}\`.`,
    });
  }
  return { agentApp, cwd, ...parsed.data };
}

export async function execInApp(options: ExecOptions): Promise<ScriptRunResult> {
  const { deps, app, actor } = options;
  const { agentApp, cwd, argv, timeoutSeconds } = await prepareExec(deps, app, options.request);
  const { env } = await deployEnvironment(deps, agentApp.unit);
  delete env.GIT_SSH_COMMAND;
  const record = (result: 'ok' | 'failed', ending: string) =>
    deps.audit.record({ actor, action: 'app.exec', target: app, result, detail: `argv: ${JSON.stringify(argv)}; ${ending}` });
  const started = performance.now();
  let result;
  try {
    result = await deps.exec(['runuser', '-u', USER, '--', ...argv], {
      env,
      cwd,
      timeoutMs: timeoutSeconds * 1000,
      limits: EXEC_LIMITS,
      maxOutputBytes: 1024 * 1024,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onStdout ? { onStdout: options.onStdout } : {}),
      ...(options.onStderr ? { onStderr: options.onStderr } : {}),
    });
  } catch (error) {
    await record('failed', `could not start: ${(error as Error).message}`);
    throw new ApiError(500, `${argv[0]} could not be started in ${app}: ${(error as Error).message}`);
  }
  const ending = result.timedOut
    ? `timed out after ${timeoutSeconds} s`
    : result.aborted
      ? 'stopped: the client went away'
      : result.code === null
        ? `killed by ${result.signal}`
        : `exit ${result.code}`;
  await record(result.code === 0 ? 'ok' : 'failed', ending);
  const durationMs = Math.round(performance.now() - started);
  return { code: result.code, signal: result.signal, timedOut: result.timedOut, durationMs, stdout: result.stdout, stderr: result.stderr };
}

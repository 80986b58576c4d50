/**
 * Going back to an earlier release: under the deploy lock, switch `current`, phased
 * restart, health gate (and back again when the target is not healthy). The database
 * is not rolled back here (rollback-database.ts in backups does that, on request), so the
 * answer warns when the two releases' migrations differ.
 */
import { performance } from 'node:perf_hooks';
import type { ReleaseSummary, RollbackResult, StepEvent } from '../../../src/api/deploys.js';
import type { AgentDeps } from '../../env.js';
import { allowed, ApiError } from '../../errors.js';
import { deployEnvironment } from './env.js';
import { goLive } from './go-live.js';
import type { ProcFs } from './health.js';
import { acquireLock, type HeldLock } from './lock.js';
import { appLayout, migrationsOf, rollbackTarget } from './releases.js';
import { StepRunner } from './steps.js';

export interface RollbackOptions {
  deps: AgentDeps;
  name: string;
  actor: string;
  /** Default: the newest healthy release before current. */
  release?: string | undefined;
  reason?: string | undefined;
  healthDeadlineMs?: number;
  procFs?: ProcFs;
  /** Held already by a rollback that restores the database first (released by it). */
  lock?: HeldLock;
}

export async function rollbackApp(options: RollbackOptions): Promise<RollbackResult> {
  const { deps, name, actor } = options;
  const app = allowed('app', name, deps.config.apps);
  const layout = appLayout(app);
  const started = performance.now();
  const refused = async (error: unknown) => {
    await deps.audit.record({ actor, action: 'rollback', target: name, result: 'refused', detail: (error as Error).message });
    return error;
  };
  const lock =
    options.lock ??
    (await acquireLock({
      stateDir: deps.config.stateDir,
      app: name,
      by: actor,
      reason: options.reason ?? `rollback to ${options.release ?? 'the previous release'}`,
      kind: 'rollback',
      clock: deps.clock,
    }).catch(async (error: unknown) => {
      throw await refused(error);
    }));
  try {
    const { releases, current, previous } = await rollbackTarget(layout);
    const target = await pickTarget(options.release, releases, current, previous).catch(async (error: unknown) => {
      throw await refused(error);
    });
    const warnings = await rollbackWarnings(layout.release, current, releases.find((r) => r.id === target) ?? { id: target, status: 'ok' });

    const steps: StepEvent[] = [];
    let env: NodeJS.ProcessEnv = {};
    const runner = new StepRunner(deps, { step: (event) => steps.push(event), output: () => undefined }, () => env);
    env = (await deployEnvironment(deps, app.unit)).env;
    const live = await goLive({
      deps,
      runner,
      app,
      layout,
      release: target,
      fallback: current,
      healthDeadlineMs: options.healthDeadlineMs,
      procFs: options.procFs,
    }).catch((error: Error) => ({ ok: false, rolledBack: false, health: null, failure: error as Error & { hint?: string } }));
    const revertedTo = live.rolledBack ? current : null;
    const what = live.ok
      ? `${target} is live (was ${current})`
      : `${target} did not serve healthy; ${revertedTo ? `back on ${revertedTo}` : 'current may be broken'}: ${live.failure?.message}`;
    await deps.audit.record({
      actor,
      action: 'rollback',
      target: name,
      result: live.ok ? 'ok' : 'failed',
      detail: `${what}${options.reason ? `; reason: ${options.reason}` : ''}`,
    });
    return {
      app: name,
      from: current,
      to: target,
      ok: live.ok,
      revertedTo,
      health: live.health,
      warnings,
      steps: runner.steps,
      ...(live.ok ? {} : { error: what, ...(live.failure?.hint ? { hint: live.failure.hint } : {}) }),
      ms: Math.round(performance.now() - started),
    };
  } finally {
    if (!options.lock) await lock.release();
  }
}

async function pickTarget(
  wanted: string | undefined,
  releases: readonly ReleaseSummary[],
  current: string | null,
  previous: string | null,
): Promise<string> {
  const ids = releases.map((r) => r.id);
  if (wanted !== undefined) {
    if (!ids.includes(wanted))
      throw new ApiError(404, `There is no release ${wanted}.`, { hint: `Releases: ${ids.join(', ') || 'none'} (\`hms releases\`).` });
    if (wanted === current)
      throw new ApiError(409, `${wanted} is already the current release.`, { hint: 'Name another one (`hms releases`).' });
    return wanted;
  }
  if (!previous)
    throw new ApiError(409, 'There is no earlier healthy release to go back to.', {
      hint: 'Deploy a fixed version instead (`hms deploy <app> --ref ...`).',
    });
  return previous;
}

/** The database stays as the newest migrations left it, whichever release runs. */
/**
 * What going from `from` to `target` means, said before (the browser's confirmation)
 * and after (the answer): migrations that differ, and a target that failed its
 * health check when it was deployed.
 */
export async function rollbackWarnings(
  releaseDir: (id: string) => string,
  from: string | null,
  target: Pick<ReleaseSummary, 'id' | 'status'>,
): Promise<string[]> {
  const warnings = await migrationWarnings(releaseDir, from, target.id);
  if (target.status === 'failed') warnings.push(`${target.id} failed its health check when it was deployed.`);
  return warnings;
}

async function migrationWarnings(releaseDir: (id: string) => string, from: string | null, to: string): Promise<string[]> {
  if (!from) return [];
  const [fromMigrations, toMigrations] = await Promise.all([migrationsOf(releaseDir(from)), migrationsOf(releaseDir(to))]);
  const unknownToTarget = fromMigrations.filter((m) => !toMigrations.includes(m));
  const notRun = toMigrations.filter((m) => !fromMigrations.includes(m));
  const warnings: string[] = [];
  if (unknownToTarget.length > 0) {
    warnings.push(
      `The database keeps ${unknownToTarget.length} migration(s) that ${to} does not know: ${unknownToTarget.join(', ')}. ` +
        `The database is not rolled back (\`hms rollback --restore-database\` restores the backup taken before the migrations): ` +
        `${to}'s code runs against the newer schema.`,
    );
  }
  if (notRun.length > 0)
    warnings.push(
      `${to} has ${notRun.length} migration(s) that ${from} does not: ${notRun.join(', ')}. A rollback does not run migrations.`,
    );
  return warnings;
}

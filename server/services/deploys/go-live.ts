/**
 * Going live, for a deploy and for a rollback alike: switch `current`, restart puma
 * (phased), and gate on health; when that fails, switch back to `fallback`, restart
 * and check again. None of these steps is cancelled by a client going away: once
 * `current` moved, the app is never left half-way.
 */
import type { HealthResult } from '../../../src/api/apps.js';
import type { AgentApp } from '../../config.js';
import type { AgentDeps } from '../../env.js';
import path from 'node:path';
import { resetFailedArgv, restartArgv, stopArgv, switchArgvs, writeFileArgv } from './argv.js';
import { waitUntilServing, type ProcFs } from './health.js';
import type { AppLayout } from './releases.js';
import { StepFailure, type StepContext, type StepRunner } from './steps.js';
import { chooseWebCommand, planRestart, readOrNull, runningWeb, webCommandFiles, webCommandText } from './web-command.js';
import { showUnits } from '../apps/index.js';
import { unitOwnLines } from './journal.js';
import { restartWorkers, workersOfApp } from './workers.js';

/** How long a new release gets to serve healthy before it is rolled back. */
export const HEALTH_DEADLINE_MS = 30_000;

export interface GoLiveOptions {
  deps: AgentDeps;
  runner: StepRunner;
  app: AgentApp;
  layout: AppLayout;
  release: string;
  /** Where to go back to when `release` is not healthy; null on a first deploy. */
  fallback: string | null;
  healthDeadlineMs?: number;
  procFs?: ProcFs;
}

export interface GoLiveOutcome {
  ok: boolean;
  /** The switch happened (current pointed at `release` at some point). */
  switched: boolean;
  /** current went back to `fallback` after the new release failed. */
  rolledBack: boolean;
  health: HealthResult | null;
  failure?: StepFailure;
}

const NOT_CANCELLABLE = { cancellable: false };

export async function goLive(options: GoLiveOptions): Promise<GoLiveOutcome> {
  const { runner, layout, release, fallback } = options;
  await runner.step('switch', async (ctx) => switchCurrent(ctx, layout, release, fallback), NOT_CANCELLABLE);
  let health: HealthResult | null = null;
  try {
    await runner.step('restart', async (ctx) => restart(ctx, options, release), NOT_CANCELLABLE);
    health = await runner.step('health', async (ctx) => gate(ctx, options, release), NOT_CANCELLABLE);
    await runner.step('workers', (ctx) => restartWorkers(ctx, { ...options, release }), NOT_CANCELLABLE);
    return { ok: true, switched: true, rolledBack: false, health };
  } catch (error) {
    const failure = error as StepFailure;
    health = (failure as StepFailure & { health?: HealthResult | null }).health ?? null;
    if (!fallback) {
      const stopped = await runner
        .step('rollback', (ctx) => stopFirstRelease(ctx, options), NOT_CANCELLABLE)
        .catch((stopError: Error) => `stopping it failed: ${stopError.message}`);
      const stoppedFailure = new StepFailure(
        failure.step,
        `${failure.message}; no previous release to go back to: ${stopped}`,
        failure.hint,
      );
      return { ok: false, switched: true, rolledBack: false, health, failure: Object.assign(stoppedFailure, { health }) };
    }
    try {
      await runner.step(
        'rollback',
        async (ctx) => {
          await switchCurrent(ctx, layout, fallback, release);
          await restart(ctx, options, fallback);
          await gate(ctx, options, fallback);
          if (workersOfApp(options.app).length > 0) await restartWorkers(ctx, { ...options, release: fallback });
          ctx.detail(`current is ${fallback} again, and healthy`);
        },
        NOT_CANCELLABLE,
      );
      return { ok: false, switched: true, rolledBack: true, health, failure };
    } catch (rollbackError) {
      const message = `${failure.message}; going back to ${fallback} failed too: ${(rollbackError as Error).message}`;
      return {
        ok: false,
        switched: true,
        rolledBack: false,
        health,
        failure: new StepFailure('rollback', message, `The app may be down: look at \`journalctl -u ${options.app.unit}\` now.`),
      };
    }
  }
}

async function switchCurrent(ctx: StepContext, layout: AppLayout, release: string, from: string | null): Promise<void> {
  for (const argv of switchArgvs(layout.root, layout.release(release))) await ctx.run(argv, { timeoutMs: 30_000 });
  ctx.detail(`current -> releases/${release}${from ? ` (was ${from})` : ''}`);
}

/**
 * Writes the release's web command into shared/, then starts the unit, or restarts
 * it in phases (`systemctl reload`: SIGUSR1), or fully when the running master cannot
 * take the release that way (deploy-web-command.ts says when).
 */
async function restart(ctx: StepContext, options: GoLiveOptions, release: string): Promise<void> {
  const { deps, app, layout } = options;
  const [state, socket] = await showUnits(deps.exec, [app.unit, socketUnitOf(app.unit)]);
  const running = state!.activeState === 'active' || state!.activeState === 'reloading';
  const lock = await readOrNull(path.join(layout.release(release), 'Gemfile.lock'));
  const command = chooseWebCommand(app, lock, layout);
  const text = webCommandText(command.argv);
  await ctx.run(writeFileArgv(webCommandFiles(layout).command), { input: text, quiet: true });
  ctx.say(`web command: ${command.argv.join(' ')} (${command.why})`);
  const unit = {
    mainPid: state!.mainPid,
    running,
    socket:
      socket?.activeState === 'active' ? ('held' as const) : socket?.loadState === 'loaded' ? ('pending' as const) : ('none' as const),
  };
  const plan = planRestart(await runningWeb(layout, unit, options.procFs?.procDir), { command: text, lock });
  if (plan.verb !== 'reload') ctx.say(plan.why);
  if (state!.activeState === 'failed') await ctx.run(resetFailedArgv(app.unit), { allowFailure: true });
  const hint = `See \`journalctl -u ${app.unit}\` on the server (or \`hms logs journal:${app.unit.replace(/\.service$/, '')}\`).`;
  if (plan.stopFirst) await ctx.run(stopArgv([app.unit]), { timeoutMs: 120_000, hint });
  await ctx.run(restartArgv(app.unit, plan.stopFirst ? 'start' : plan.verb), { timeoutMs: 120_000, hint });
  ctx.detail(`${app.unit}: ${plan.verb === 'start' ? `was ${state!.activeState}: started` : plan.why}`);
}

/**
 * A first release that is not healthy has nothing to go back to: its unit is stopped
 * (with its socket, so no request starts it again) rather than left restarting, and
 * the journal's last lines say why.
 */
async function stopFirstRelease(ctx: StepContext, options: GoLiveOptions): Promise<string> {
  const { deps, app } = options;
  const workers = workersOfApp(app).map((worker) => worker.unit);
  await ctx.run(stopArgv([app.unit, socketUnitOf(app.unit), ...workers]), { timeoutMs: 60_000, allowFailure: true });
  const lines = await unitOwnLines(deps, app.unit, 40);
  const why = lines.slice(-3).join(' / ').slice(0, 500);
  for (const line of lines.slice(-10)) ctx.say(line);
  ctx.detail(`${app.unit} stopped: nothing to go back to`);
  return why ? `${app.unit} stopped; its journal ends: ${why}` : `${app.unit} stopped`;
}

/** The socket unit provisioning pairs with an app's service (templates/systemd/app.socket). */
export function socketUnitOf(unit: string): string {
  return `${unit.replace(/\.service$/, '')}.socket`;
}

async function gate(ctx: StepContext, options: GoLiveOptions, release: string): Promise<HealthResult | null> {
  const deadlineMs = options.healthDeadlineMs ?? HEALTH_DEADLINE_MS;
  const check = await waitUntilServing({ ...options, release, deadlineMs, onChange: (detail) => ctx.say(detail) });
  if (check.ok) {
    ctx.detail(
      check.health
        ? `${release} serves: ${check.health.status} in ${check.health.ms} ms`
        : `${release} serves (no health probe configured)`,
    );
    return check.health;
  }
  const failure = new StepFailure(
    'health',
    check.gaveUp
      ? `${release} is not serving: ${check.detail}`
      : `${release} is not serving healthy after ${Math.round(deadlineMs / 1000)} s: ${check.detail}`,
    `See the app's log (shared/log/puma.stderr.log, shared/log/production.log) or \`journalctl -u ${options.app.unit}\`.`,
  );
  // A 200 from the old workers is not this release's health.
  const health = check.health?.ok
    ? { ...check.health, ok: false, error: `processes of other releases still serve: ${check.detail}` }
    : check.health;
  throw Object.assign(failure, { health });
}

/**
 * Going live, for a deploy and for a rollback alike: switch `current`, restart puma
 * (phased), and gate on health; when that fails, switch back to `fallback`, restart
 * and check again. None of these steps is cancelled by a client going away: once
 * `current` moved, the app is never left half-way.
 */
import type { HealthResult } from '../../src/api/apps.js';
import type { AgentApp } from '../config.js';
import type { AgentDeps } from '../env.js';
import { restartArgv, switchArgvs } from './deploy-argv.js';
import { waitUntilServing, type ProcFs } from './deploy-health.js';
import type { AppLayout } from './deploy-releases.js';
import { StepFailure, type StepContext, type StepRunner } from './deploy-steps.js';
import { showUnits } from './systemd.js';

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
    await runner.step('restart', async (ctx) => restart(ctx, options), NOT_CANCELLABLE);
    health = await runner.step('health', async (ctx) => gate(ctx, options, release), NOT_CANCELLABLE);
    return { ok: true, switched: true, rolledBack: false, health };
  } catch (error) {
    const failure = error as StepFailure;
    health = (failure as StepFailure & { health?: HealthResult | null }).health ?? null;
    if (!fallback) {
      runner.emit({ name: 'rollback', status: 'skipped', ms: 0, detail: 'no previous release to go back to' });
      return { ok: false, switched: true, rolledBack: false, health, failure };
    }
    try {
      await runner.step(
        'rollback',
        async (ctx) => {
          await switchCurrent(ctx, layout, fallback, release);
          await restart(ctx, options);
          await gate(ctx, options, fallback);
          ctx.detail(`current is ${fallback} again, and healthy`);
        },
        NOT_CANCELLABLE,
      );
      return { ok: false, switched: true, rolledBack: true, health, failure };
    } catch (rollbackError) {
      const message = `${failure.message}; going back to ${fallback} failed too: ${(rollbackError as Error).message}`;
      return { ok: false, switched: true, rolledBack: false, health, failure: new StepFailure('rollback', message, `The app may be down: look at \`journalctl -u ${options.app.unit}\` now.`) };
    }
  }
}

async function switchCurrent(ctx: StepContext, layout: AppLayout, release: string, from: string | null): Promise<void> {
  for (const argv of switchArgvs(layout.root, layout.release(release))) await ctx.run(argv, { timeoutMs: 30_000 });
  ctx.detail(`current -> releases/${release}${from ? ` (was ${from})` : ''}`);
}

/** A phased restart when puma runs (`systemctl reload`: ExecReload sends SIGUSR1), else a start. */
async function restart(ctx: StepContext, options: GoLiveOptions): Promise<void> {
  const [state] = await showUnits(options.deps.exec, [options.app.unit]);
  const running = state!.activeState === 'active' || state!.activeState === 'reloading';
  await ctx.run(restartArgv(options.app.unit, running), {
    timeoutMs: 120_000,
    hint: `See \`journalctl -u ${options.app.unit}\` on the server (or \`hms logs journal:${options.app.unit.replace(/\.service$/, '')}\`).`,
  });
  ctx.detail(running ? `${options.app.unit}: phased restart (systemctl reload)` : `${options.app.unit} was ${state!.activeState}: started`);
}

async function gate(ctx: StepContext, options: GoLiveOptions, release: string): Promise<HealthResult | null> {
  const deadlineMs = options.healthDeadlineMs ?? HEALTH_DEADLINE_MS;
  const check = await waitUntilServing({ ...options, release, deadlineMs, onChange: (detail) => ctx.say(detail) });
  if (check.ok) {
    ctx.detail(check.health ? `${release} serves: ${check.health.status} in ${check.health.ms} ms` : `${release} serves (no health probe configured)`);
    return check.health;
  }
  const failure = new StepFailure(
    'health',
    `${release} is not serving healthy after ${Math.round(deadlineMs / 1000)} s: ${check.detail}`,
    `See the app's log (shared/log/puma.stderr.log, shared/log/production.log) or \`journalctl -u ${options.app.unit}\`.`,
  );
  // A 200 from the old workers is not this release's health.
  const health = check.health?.ok ? { ...check.health, ok: false, error: `processes of other releases still serve: ${check.detail}` } : check.health;
  throw Object.assign(failure, { health });
}

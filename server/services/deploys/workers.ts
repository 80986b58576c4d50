/**
 * An app's workers (apps.<name>.processes but web) follow its web process into a new
 * release: each is told to go quiet first where it knows how (Sidekiq's TSTP: no new
 * jobs), then restarted — systemd's stop sends SIGTERM and waits the unit's
 * TimeoutStopSec, in which Sidekiq finishes its jobs or pushes them back to Redis — and
 * counted up once it has run its settle time without a restart. A worker that does
 * not come up fails the step, and the release is rolled back like a web process that
 * is not healthy.
 */
import type { UnitState } from '../../../src/api/apps.js';
import type { AgentApp } from '../../config.js';
import type { AgentDeps } from '../../env.js';
import { showUnits } from '../apps/index.js';
import { resetFailedArgv, restartArgv } from './argv.js';
import { unitOwnLines } from './journal.js';
import { StepFailure, type StepContext } from './steps.js';

type Worker = AgentApp['processes'][string] & { name: string };

const POLL_MS = 250;

export function workersOfApp(app: AgentApp): Worker[] {
  return Object.entries(app.processes).map(([name, worker]) => ({ name, ...worker }));
}

/** `systemctl kill` with the worker's quiet signal, to its main process only; a worker that is not running is left alone. */
export function quietArgv(unit: string, signal: 'TSTP'): string[] {
  return ['systemctl', 'kill', '--kill-whom=main', `--signal=${signal}`, '--', unit];
}

export interface WorkersOptions {
  deps: AgentDeps;
  app: AgentApp;
  release: string;
  /** Tests shorten the wait between looks at a settling worker. */
  pollMs?: number;
}

/** The deploy's `workers` step: quiet, restart, settle, for every worker of the app (one after another). */
export async function restartWorkers(ctx: StepContext, options: WorkersOptions): Promise<void> {
  const workers = workersOfApp(options.app);
  if (workers.length === 0) return ctx.skip('no workers (apps.<name>.processes)');
  for (const worker of workers) await restartWorker(ctx, options, worker);
  await Promise.all(workers.map((worker) => settle(ctx, options, worker)));
  ctx.detail(`${workers.map((w) => w.name).join(', ')} up on ${options.release}`);
}

async function restartWorker(ctx: StepContext, options: WorkersOptions, worker: Worker): Promise<void> {
  const [state] = await showUnits(options.deps.exec, [worker.unit]);
  const running = state!.activeState === 'active' || state!.activeState === 'activating';
  if (running && worker.quietSignal === 'TSTP') {
    await ctx.run(quietArgv(worker.unit, 'TSTP'), { allowFailure: true, timeoutMs: 10_000 });
    ctx.say(`${worker.unit}: told to go quiet (TSTP): it takes no new jobs, finishes or re-queues the ones it runs`);
  }
  // Always: a worker that crash-looped (a release that could not boot, rolled back now) may have used up
  // its start limit while still `activating (auto-restart)`, and then its start would be refused.
  await ctx.run(resetFailedArgv(worker.unit), { allowFailure: true });
  const result = await ctx.run(restartArgv(worker.unit, running ? 'restart' : 'start'), {
    timeoutMs: 180_000,
    allowFailure: true,
  });
  if (result.code !== 0) throw await notUp(options, worker, `\`systemctl ${running ? 'restart' : 'start'}\` failed`);
}

/** Up: active, the same main process, no automatic restart, for the worker's settle time. */
async function settle(ctx: StepContext, options: WorkersOptions, worker: Worker): Promise<void> {
  const { exec } = options.deps;
  const [first] = await showUnits(exec, [worker.unit]);
  const deadline = Date.now() + worker.settleSeconds * 1000;
  let state: UnitState = first!;
  for (;;) {
    const trouble = troubleOf(state, first!);
    if (trouble) throw await notUp(options, worker, trouble);
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? POLL_MS));
    [state] = (await showUnits(exec, [worker.unit])) as [UnitState];
  }
  ctx.say(`${worker.unit}: up for ${worker.settleSeconds} s (pid ${state.mainPid})`);
}

function troubleOf(state: UnitState, first: UnitState): string | undefined {
  if (state.activeState !== 'active') return `it is ${state.activeState} (${state.subState}${state.result ? `, ${state.result}` : ''})`;
  if ((state.restarts ?? 0) > (first.restarts ?? 0) || state.mainPid !== first.mainPid) return 'it restarted: its process exited';
  return undefined;
}

async function notUp(options: WorkersOptions, worker: Worker, why: string): Promise<StepFailure> {
  const last = (await unitOwnLines(options.deps, worker.unit, 20)).slice(-3).join(' / ').slice(0, 500);
  return new StepFailure(
    'workers',
    `${worker.unit} did not come up on ${options.release}: ${why}${last ? `; its journal ends: ${last}` : ''}`,
    `See \`hms logs journal:${worker.unit.replace(/\.service$/, '')}\`; the release is rolled back with its workers.`,
  );
}

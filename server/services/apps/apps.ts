/**
 * The managed units: every configured app, plus nginx and the agent itself. Their
 * systemd state comes from ONE snapshot (systemd's D-Bus socket, else one batched
 * `systemctl show`: systemd.ts), health probes run in parallel, and each action is audited.
 */
import { appsInMaintenance, inMaintenance } from '../maintenance/index.js';
import { lstatSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type {
  AppAction,
  AppActionResponse,
  AppKind,
  AppResponse,
  AppsResponse,
  AppStatus,
  HealthResult,
  UnitState,
} from '../../../src/api/apps.js';
import { APP_ACTIONS } from '../../../src/api/apps.js';
import { HmsError } from '../../../src/core/errors.js';
import type { AgentApp, AgentConfig } from '../../config.js';
import type { AgentDeps } from '../../env.js';
import { allowed, ApiError } from '../../errors.js';
import { appProbe, probeHttp } from './health.js';
import { cachedHealth, forgetHealth, healthFingerprint } from './health-cache.js';
import { actionArgv, runSystemctl, showUnits, waitUntilSettled } from './systemd.js';
import { invalidateUnitSnapshot, unitSnapshot } from './unit-snapshots.js';

export interface Target {
  name: string;
  kind: AppKind;
  unit: string;
  app?: AgentApp;
  /** A worker's app and process name. */
  parent?: { app: string; process: string };
}

const RESERVED = ['nginx', 'agent'] as const;
const ACTIONS: Record<string, AppAction> = Object.fromEntries(APP_ACTIONS.map((action) => [action, action]));

/** The allow-list of names the API accepts: the config's apps, `nginx` and `agent`. */
export function targets(config: AgentConfig): Record<string, Target> {
  const clash = RESERVED.find((name) => Object.hasOwn(config.apps, name));
  if (clash) {
    throw new HmsError(
      `agent config: apps.${clash}: "${clash}" is reserved for the ${clash === 'nginx' ? 'web server' : 'agent itself'}.`,
      {
        hint: 'Rename the app in the agent config (e.g. /etc/hosting-api/agent.json) and restart hms-agent.',
      },
    );
  }
  // Each app, then its workers: the views list a worker under its app.
  const list: Target[] = [
    ...Object.entries(config.apps).flatMap(([name, app]) => [{ name, kind: 'app' as const, unit: app.unit, app }, ...workersOf(name, app)]),
    { name: 'nginx', kind: 'nginx', unit: config.nginx.unit },
    { name: 'agent', kind: 'agent', unit: config.agentUnit },
  ];
  const seen = new Set<string>();
  for (const target of list) {
    if (seen.has(target.name)) {
      throw new HmsError(`agent config: "${target.name}" names both an app and a worker (${target.unit}).`, {
        hint: 'Rename the process or the app in hms.config.json and run `hms provision`.',
      });
    }
    seen.add(target.name);
  }
  return Object.fromEntries(list.map((target) => [target.name, target]));
}

/** An app's workers as targets named `<app>-<process>`, like their units. */
function workersOf(name: string, app: AgentApp): Target[] {
  return Object.entries(app.processes).map(([process, worker]) => ({
    name: `${name}-${process}`,
    kind: 'worker' as const,
    unit: worker.unit,
    app,
    parent: { app: name, process },
  }));
}

function snapshot(deps: AgentDeps) {
  return { hostname: hostname(), version: deps.version, at: deps.clock().toISOString() };
}

export async function listApps(options: { deps: AgentDeps }): Promise<AppsResponse> {
  const { deps } = options;
  const all = Object.values(targets(deps.config));
  // Where systemd cannot answer, every item is still listed, with the reason.
  const [{ states, problem }, flagged] = await Promise.all([
    unitSnapshot(
      deps,
      all.map((target) => target.unit),
    ),
    appsInMaintenance(deps),
  ]);
  const apps = await Promise.all(
    all.map(async (target, index) => ({
      ...(await describeTarget(target, states[index]!, deps)),
      ...(target.kind === 'app' && flagged.has(target.name) ? { maintenance: true as const } : {}),
      ...(problem ? { problem } : {}),
    })),
  );
  return { ...snapshot(deps), apps };
}

export async function getApp(options: { deps: AgentDeps; name: string }): Promise<AppResponse> {
  const { deps } = options;
  const target = allowed('app', options.name, targets(deps.config));
  const [state] = await showUnits(deps.exec, [target.unit]);
  return { ...snapshot(deps), app: { ...(await describeTarget(target, state!)), ...(await maintenanceOf(deps, target)) } };
}

/** An app answering 503 (maintenance) says so beside its state; nothing for one that serves. */
async function maintenanceOf(deps: AgentDeps, target: Target): Promise<{ maintenance?: true }> {
  return target.kind === 'app' && (await inMaintenance(deps, target.name)) ? { maintenance: true } : {};
}

/**
 * Runs start/stop/restart/reload on one target and returns its new state. The
 * agent refuses to stop itself (nothing could start it again through the API) and
 * restarts itself without waiting; nginx's config is tested before it (re)starts.
 */
export async function runAppAction(options: { deps: AgentDeps; name: string; action: string; actor: string }): Promise<AppActionResponse> {
  const { deps, actor } = options;
  const target = allowed('app', options.name, targets(deps.config));
  const action = allowed('action', options.action, ACTIONS);
  const audit = (result: 'ok' | 'failed' | 'refused', detail?: string) =>
    deps.audit.record({ actor, action: `app.${action}`, target: target.name, result, detail });
  // Whatever happens next, the shared snapshot (and the health answers in it) no longer tell the truth.
  invalidateUnitSnapshot(deps);
  forgetHealth(deps);

  if (target.kind === 'agent' && action === 'stop') {
    await audit('refused', 'the agent does not stop itself through its API');
    throw new ApiError(409, 'Refusing to stop the agent through its own API: nothing could start it again from here.', {
      hint: `Run \`sudo systemctl stop ${target.unit}\` on the server, or restart it instead.`,
    });
  }
  if (target.kind === 'nginx' && action !== 'stop') await checkNginxConfig(deps, action, audit);

  const self = target.kind === 'agent';
  const argv = actionArgv(action, target.unit, { noBlock: self });
  try {
    await runSystemctl(deps.exec, argv);
  } catch (error) {
    invalidateUnitSnapshot(deps);
    await audit('failed', failureDetail(error));
    throw error;
  }
  await audit('ok', argv.join(' '));

  const { state, settled } = self
    ? { state: (await showUnits(deps.exec, [target.unit]))[0]!, settled: false }
    : await waitUntilSettled(deps.exec, target.unit);
  invalidateUnitSnapshot(deps);
  forgetHealth(deps);
  return { ...snapshot(deps), action, app: await describeTarget(target, state), settled, message: outcome(target, action, state, settled) };
}

async function checkNginxConfig(
  deps: AgentDeps,
  action: AppAction,
  audit: (result: 'refused', detail: string) => Promise<unknown>,
): Promise<void> {
  const { binary, mainConfig } = deps.config.nginx;
  const result = await deps.exec([binary, '-t', '-q', '-c', mainConfig], { timeoutMs: 30_000, maxOutputBytes: 64 * 1024 });
  if (result.code === 0) return;
  const output = (result.stderr || result.stdout).trim();
  await audit('refused', `nginx -t failed: ${output.slice(-2000)}`);
  throw new ApiError(409, `Not running nginx ${action}: \`nginx -t\` rejects ${mainConfig}: ${output.slice(-2000)}`, {
    hint: 'Fix the nginx configuration (GET /api/configs) and try again; nginx keeps running with its current config.',
  });
}

function failureDetail(error: unknown): string {
  if (error instanceof ApiError) {
    const stderr = (error.details as { stderr?: string } | undefined)?.stderr?.trim();
    return (stderr || error.message).slice(-2000);
  }
  return error instanceof Error ? error.message : String(error);
}

function outcome(target: Target, action: AppAction, state: UnitState, settled: boolean): string {
  if (target.kind === 'agent') return `${target.unit}: ${action} queued; the agent answers again in a few seconds.`;
  const now = `${target.unit} is ${state.activeState} (${state.subState})`;
  return settled
    ? `${target.name}: ${action} done; ${now}.`
    : `${target.name}: ${action} sent; ${now} after 10 s. Check again with GET /api/apps/${target.name}.`;
}

/** With `cache`, a recent health answer is reused while the unit is unchanged (health-cache.ts); without, it probes. */
async function describeTarget(target: Target, state: UnitState, cache?: AgentDeps): Promise<AppStatus> {
  const currentRelease = await release(target.app);
  const health = cache && target.kind === 'app' ? await cachedProbe(cache, target, state, currentRelease) : await probe(target, state);
  return { name: target.name, kind: target.kind, ...target.parent, state, health, currentRelease };
}

async function cachedProbe(deps: AgentDeps, target: Target, state: UnitState, currentRelease: string | null): Promise<HealthResult | null> {
  const httpProbe = appProbe(target.app!);
  return httpProbe ? cachedHealth(deps, target.name, healthFingerprint(state, currentRelease), () => probeHttp(httpProbe)) : null;
}

async function probe(target: Target, state: UnitState): Promise<HealthResult | null> {
  if (target.kind === 'agent') return { ok: true, via: 'self', status: null, ms: 0, error: null };
  // nginx and a worker are healthy while their unit runs (a worker answers no HTTP).
  if (target.kind === 'nginx' || target.kind === 'worker') {
    const ok = state.activeState === 'active';
    return { ok, via: 'unit', status: null, ms: 0, error: ok ? null : `${target.unit} is ${state.activeState} (${state.subState})` };
  }
  const httpProbe = appProbe(target.app!);
  return httpProbe ? probeHttp(httpProbe) : null;
}

/**
 * The basename of `<root>/current`'s target; null when there is no such symlink. Read
 * synchronously: one readlink of a path the kernel keeps in its dentry cache, for every
 * app on every poll; through the thread pool each cost more than the call itself.
 */
async function release(app: AgentApp | undefined): Promise<string | null> {
  if (!app) return null;
  const current = path.join(app.root, 'current');
  try {
    // An app not deployed yet has none: asked first, so that no error is made (and thrown) for it on every poll.
    if (!lstatSync(current, { throwIfNoEntry: false })?.isSymbolicLink()) return null;
    return path.basename(readlinkSync(current));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EINVAL' || code === 'ENOTDIR') return null;
    throw error;
  }
}

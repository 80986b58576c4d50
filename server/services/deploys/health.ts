/**
 * The health gate after a switch: is the NEW release serving? `GET /up` alone cannot
 * say: during puma's phased restart the old workers keep answering 200 while new
 * ones boot, and when the new code cannot boot puma keeps one old worker forever.
 * So the gate also reads the working folder of every process in the unit's cgroup
 * (puma's master chdirs into `current` on a phased restart, and each worker starts
 * there): healthy = the unit is active, no process runs an other release, and the
 * probe answers 2xx; checked again until it holds or the time is up.
 */
import { readFile, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HealthResult } from '../../../src/api/apps.js';
import type { AgentApp } from '../../config.js';
import type { AgentDeps } from '../../env.js';
import type { AppLayout } from './releases.js';
import { appProbe, probeHttp, showUnits } from '../apps/index.js';

export interface ServingCheck {
  ok: boolean;
  health: HealthResult | null;
  /** For people: the unit, where its processes run, the probe. */
  detail: string;
  /** systemd gave up on the unit (its start limit): waiting longer changes nothing. */
  gaveUp?: boolean;
}

export interface ProcFs {
  sysFs: string;
  procDir: string;
}

const REAL_PROC_FS: ProcFs = { sysFs: '/sys/fs/cgroup', procDir: '/proc' };

export interface GateOptions {
  deps: AgentDeps;
  app: AgentApp;
  layout: AppLayout;
  release: string;
  procFs?: ProcFs;
}

/** One look: is `release` what the unit serves, and healthy? */
export async function checkServing(options: GateOptions): Promise<ServingCheck> {
  const { deps, app, layout } = options;
  const fs = options.procFs ?? REAL_PROC_FS;
  const [state] = await showUnits(deps.exec, [app.unit]).catch(() => [undefined]);
  if (!state) return { ok: false, health: null, detail: `cannot read the state of ${app.unit}` };
  if (state.activeState !== 'active' && state.activeState !== 'reloading') {
    return {
      ok: false,
      health: null,
      detail: `${app.unit} is ${state.activeState} (${state.subState})`,
      gaveUp: state.activeState === 'failed',
    };
  }
  const [target, releasesDir] = await Promise.all([
    realpath(layout.release(options.release)).catch(() => layout.release(options.release)),
    realpath(layout.releases).catch(() => layout.releases),
  ]);
  const cwds = await processFolders(state.controlGroup ?? null, state.mainPid, fs);
  const byRelease = new Map<string, number>();
  for (const cwd of cwds) {
    if (!cwd.startsWith(`${releasesDir}/`)) continue;
    const id = path.relative(releasesDir, cwd).split('/')[0]!;
    byRelease.set(id, (byRelease.get(id) ?? 0) + 1);
  }
  const others = [...byRelease].filter(([id]) => path.join(releasesDir, id) !== target);
  const where = byRelease.size === 0 ? 'no process seen in a release folder' : [...byRelease].map(([id, n]) => `${n} in ${id}`).join(', ');
  const probe = appProbe(app);
  const health = probe ? await probeHttp(probe) : null;
  const probeText = probe
    ? `GET ${probe.path}: ${health!.ok ? `${health!.status} in ${health!.ms} ms` : health!.error}`
    : 'no health probe configured';
  return {
    ok: others.length === 0 && (health?.ok ?? byRelease.size > 0),
    health,
    detail: `${app.unit} ${state.activeState}; processes: ${where}; ${probeText}`,
  };
}

/** Checks until healthy or `deadlineMs` passed; `onChange` hears each new situation once. */
export async function waitUntilServing(
  options: GateOptions & { deadlineMs: number; intervalMs?: number; onChange?: (detail: string) => void },
): Promise<ServingCheck> {
  const deadline = Date.now() + options.deadlineMs;
  let last = '';
  for (;;) {
    const check = await checkServing(options);
    const situation = check.detail.replace(/ in \d+ ms/, '');
    if (situation !== last) options.onChange?.(check.detail);
    last = situation;
    if (check.ok || check.gaveUp || Date.now() >= deadline) return check;
    await sleep(options.intervalMs ?? 500);
  }
}

/** The working folder of each process of the unit (cgroup v2, the hybrid layout, else MainPID). */
async function processFolders(controlGroup: string | null, mainPid: number | null, fs: ProcFs): Promise<string[]> {
  let pids: string[] = [];
  if (controlGroup?.startsWith('/') && !controlGroup.split('/').includes('..')) {
    for (const base of [fs.sysFs, path.join(fs.sysFs, 'unified'), path.join(fs.sysFs, 'systemd')]) {
      const text = await readFile(path.join(base, controlGroup, 'cgroup.procs'), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      pids = text.split('\n').filter((line) => /^\d+$/.test(line));
      break;
    }
  }
  if (pids.length === 0 && mainPid) pids = [String(mainPid)];
  const folders = await Promise.all(pids.map((pid) => readlink(path.join(fs.procDir, pid, 'cwd')).catch(() => null)));
  return folders.filter((folder): folder is string => folder !== null);
}

/**
 * The `unit` rule, pure: each app and worker unit from one `systemctl show` per look,
 * against what the last look saw. A unit is a problem when it is `failed`, when it
 * stopped while nobody asked (it was active at the last look and no hms action for
 * it is in the audit log), or when systemd restarted it (NRestarts grew); critical
 * when failed, stopped, or restarting in a loop. The problem is over once the unit
 * has been active with no new restart for rules.unit.stableSeconds.
 */
import type { AlertsConfig } from '../../config.js';
import type { Finding } from './incidents.js';

export interface UnitLook {
  /** The target's name (`cigar`, `cigar-sidekiq`). */
  name: string;
  unit: string;
  app: string;
  activeState: string;
  subState: string;
  restarts: number | null;
  result: string | null;
}

export interface UnitMemory {
  /** Running at this look, or on its way down (deactivating: a stop, or a killed main process's cgroup being cleaned). */
  active: boolean;
  restarts: number | null;
  /** When systemd restarted it, within the loop window (ms since the epoch). */
  restartTimes: number[];
  problem: 'failed' | 'stopped' | 'restarted' | null;
  stableSince: number | null;
  /** Seen in `auto-restart` (crashed, systemd waits RestartSec): counted already, before NRestarts grows for it. */
  pending?: boolean;
}

type UnitRules = AlertsConfig['rules']['unit'];

const isActive = (state: string): boolean => state === 'active' || state === 'reloading';
/** A look that lands while a unit goes down must still count it as up, or its stop would go unseen. */
const isUp = (state: string): boolean => isActive(state) || state === 'deactivating';

/** Units that were active at the last look and are inactive now: stopped, by hms or not (the caller asks the audit log). */
export function stoppedSinceLastLook(memory: Readonly<Record<string, UnitMemory>>, looks: readonly UnitLook[]): UnitLook[] {
  return looks.filter((look) => look.activeState === 'inactive' && memory[look.name]?.active === true);
}

export function judgeUnits(
  memory: Readonly<Record<string, UnitMemory>>,
  looks: readonly UnitLook[],
  now: number,
  rules: UnitRules,
  expectedStops: ReadonlySet<string>,
): { memory: Record<string, UnitMemory>; findings: Finding[]; changed: boolean } {
  const next: Record<string, UnitMemory> = {};
  const findings: Finding[] = [];
  let changed = Object.keys(memory).some((name) => !looks.some((look) => look.name === name));
  for (const look of looks) {
    const before = memory[look.name];
    const after = judgeUnit(before, look, now, rules, expectedStops.has(look.name));
    next[look.name] = after;
    if (!before || JSON.stringify(before) !== JSON.stringify(after)) changed = true;
    if (after.problem) findings.push(finding(look, after, rules));
  }
  return { memory: next, findings, changed };
}

function judgeUnit(before: UnitMemory | undefined, look: UnitLook, now: number, rules: UnitRules, expectedStop: boolean): UnitMemory {
  const grew = before?.restarts != null && look.restarts !== null && look.restarts > before.restarts ? look.restarts - before.restarts : 0;
  // A crash is told when first seen waiting for its restart, not RestartSec later when NRestarts counts it.
  const pending = look.subState === 'auto-restart';
  const crashes = Math.max(0, grew - (before?.pending ? 1 : 0)) + (pending && !(before?.pending && grew === 0) ? 1 : 0);
  const windowStart = now - rules.windowMinutes * 60_000;
  const restartTimes = [...(before?.restartTimes ?? []).filter((t) => t >= windowStart), ...Array<number>(Math.min(crashes, 50)).fill(now)];
  const active = isActive(look.activeState);
  let problem = before?.problem ?? null;
  if (look.activeState === 'failed') problem = 'failed';
  else if (look.activeState === 'inactive' && !expectedStop && (before?.pending || crashes > 0)) {
    // Systemd shows a crashed unit inactive for a moment between auto-restart and the new start: still that crash.
    if (problem !== 'failed' && problem !== 'stopped') problem = 'restarted';
  } else if (look.activeState === 'inactive') {
    // Failed or stopped stays so until it runs again; otherwise a stop is a problem only when nobody asked for it.
    if (problem !== 'failed' && problem !== 'stopped') problem = before?.active === true && !expectedStop ? 'stopped' : null;
  } else if (crashes > 0 && problem !== 'failed' && problem !== 'stopped') problem = 'restarted';
  const stableSince = active && grew === 0 ? (before?.stableSince ?? now) : null;
  if (problem && stableSince !== null && now - stableSince >= rules.stableSeconds * 1000) problem = null;
  const restarts = look.restarts ?? before?.restarts ?? null;
  return { active: isUp(look.activeState), restarts, restartTimes, problem, stableSince, ...(pending ? { pending } : {}) };
}

function finding(look: UnitLook, memory: UnitMemory, rules: UnitRules): Finding {
  const restarts = memory.restartTimes.length;
  const loop = restarts >= rules.restarts;
  const state = `${look.unit} is ${look.activeState} (${look.subState})`;
  const counted =
    restarts > 0 ? `; systemd restarted it ${restarts} time${restarts === 1 ? '' : 's'} in the last ${rules.windowMinutes} min` : '';
  const next = `Next: \`hms logs ${look.name}\` for why, \`hms status\`; \`hms restart ${look.name}\` once fixed.`;
  const base = { rule: 'unit' as const, subject: look.unit, app: look.app };
  if (memory.problem === 'failed') {
    const result = look.result && look.result !== 'success' ? ` (${look.result})` : '';
    return { ...base, severity: 'critical', title: `${look.unit} failed${result}`, detail: `${state}${counted}. ${next}` };
  }
  if (memory.problem === 'stopped') {
    return {
      ...base,
      severity: 'critical',
      title: `${look.unit} stopped unexpectedly`,
      detail: `${state}: it stopped without an hms stop or restart, and systemd did not start it again${counted}. ${next}`,
    };
  }
  return {
    ...base,
    severity: loop ? 'critical' : 'warning',
    title: loop ? `${look.unit} is restarting in a loop` : `${look.unit} restarted after a crash`,
    detail: `${state}${counted}. ${next}`,
  };
}

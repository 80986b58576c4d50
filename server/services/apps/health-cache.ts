/**
 * Health probes for the polled snapshot (GET /api/apps), reused while nothing
 * changes. Each probe is a real request to the app (GET /up through puma's socket),
 * which Rails writes to production.log: probing on every poll (the TUI asks every
 * 2 s) filled the log. A result is kept for OK_TTL_MS (a failing one FAILING_TTL_MS,
 * since that is what people watch), and dropped at once when the unit's state, PID,
 * start time, restart count or served release changes, or an action ran.
 */
import type { HealthResult, UnitState } from '../../../src/api/apps.js';
import type { AgentDeps } from '../../env.js';

export const OK_TTL_MS = 30_000;
export const FAILING_TTL_MS = 5_000;

interface Entry {
  fingerprint: string;
  at: number;
  ttl: number;
  value: Promise<HealthResult>;
}

const caches = new WeakMap<AgentDeps, Map<string, Entry>>();

/** What, when it changes, makes an old health answer meaningless. */
export function healthFingerprint(state: UnitState, release: string | null): string {
  return [state.activeState, state.subState, state.mainPid, state.since, state.restarts, release].join('|');
}

export function cachedHealth(
  deps: AgentDeps,
  name: string,
  fingerprint: string,
  probe: () => Promise<HealthResult>,
): Promise<HealthResult> {
  let cache = caches.get(deps);
  if (!cache) caches.set(deps, (cache = new Map()));
  const now = deps.clock().getTime();
  const entry = cache.get(name);
  if (entry && entry.fingerprint === fingerprint && now - entry.at < entry.ttl) return entry.value;
  const value = probe();
  const fresh: Entry = { fingerprint, at: now, value, ttl: FAILING_TTL_MS };
  cache.set(name, fresh);
  void value.then(
    (result) => {
      fresh.ttl = result.ok ? OK_TTL_MS : FAILING_TTL_MS;
    },
    () => cache.delete(name),
  );
  return value;
}

/** After an action: the next snapshot probes again. */
export function forgetHealth(deps: AgentDeps): void {
  caches.delete(deps);
}

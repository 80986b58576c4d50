import type { UnitState } from '../../../src/api/apps.js';
import { exec as realExec } from '../../../src/platform/exec.js';
import type { AgentDeps } from '../../env.js';
import { showUnitsOrUnknown } from './systemd.js';

/**
 * The units' state as one shared snapshot, at most `TTL_MS` old: the dashboard, the
 * TUI and scripts polling at once (and ten laptops' `hms status --all`) share one
 * question to systemd (over its D-Bus socket ~5-15 ms of the agent and systemd for 22
 * units; ~50 ms where `systemctl show` must run) instead of each paying for it. Every
 * action invalidates it, so a change is never hidden behind the cache. With the real
 * systemd, whose watch (unit-watch.ts) hears every change, only a question under way is
 * shared: an answer is never older than the question.
 */
export const TTL_MS = 1000;

interface Entry {
  key: string;
  at: number;
  value: Promise<{ states: UnitState[]; problem?: string }>;
  pending: boolean;
}

const snapshots = new WeakMap<AgentDeps, Entry>();

export function unitSnapshot(deps: AgentDeps, units: string[]): Promise<{ states: UnitState[]; problem?: string }> {
  const key = units.join(' ');
  const now = Date.now();
  const entry = snapshots.get(deps);
  // The watch answers from what systemd said last: keeping its answer would only make it older.
  const keptFor = deps.exec === realExec ? 0 : TTL_MS;
  if (entry && entry.key === key && (entry.pending || now - entry.at < keptFor)) return entry.value;
  const value = showUnitsOrUnknown(deps.exec, units);
  const made: Entry = { key, at: now, value, pending: true };
  snapshots.set(deps, made);
  value.then(
    () => {
      made.pending = false;
    },
    () => {
      made.pending = false;
      snapshots.delete(deps);
    },
  );
  return value;
}

export function invalidateUnitSnapshot(deps: AgentDeps): void {
  snapshots.delete(deps);
}

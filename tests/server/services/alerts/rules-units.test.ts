/**
 * The unit rule, pure: a unit that failed, stopped without an hms action, or was
 * restarted by systemd; a restart loop is critical; stable for stableSeconds resolves.
 */
import { describe, expect, it } from 'vitest';
import { judgeUnits, stoppedSinceLastLook, type UnitLook, type UnitMemory } from '../../../../server/services/alerts/rules-units.js';

const rules = { restarts: 3, windowMinutes: 10, stableSeconds: 60 };
const S = 1000;

function cigar(activeState: string, restarts = 0, subState = activeState === 'active' ? 'running' : 'dead'): UnitLook {
  return { name: 'cigar', unit: 'cigar.service', app: 'cigar', activeState, subState, restarts, result: 'success' };
}

/** Looks at seconds t with the given states, each one on the memory the last left. */
function run(steps: Array<[number, UnitLook, Set<string>?]>) {
  let memory: Record<string, UnitMemory> = {};
  return steps.map(([t, look, expected]) => {
    const judged = judgeUnits(memory, [look], t * S, rules, expected ?? new Set());
    memory = judged.memory;
    return judged.findings.map((f) => `${f.severity} ${f.title}`);
  });
}

describe('the unit rule', () => {
  it('Given a running unit, When looked at again, Then nothing to tell', () => {
    expect(
      run([
        [0, cigar('active')],
        [5, cigar('active')],
      ]),
    ).toEqual([[], []]);
  });

  it('Given systemd restarted it once (kill -9, Restart=on-failure), Then a warning until 60 s active with no restart', () => {
    const seen = run([
      [0, cigar('active', 0)],
      [5, cigar('active', 1)],
      [10, cigar('active', 1)],
      [64, cigar('active', 1)],
      [70, cigar('active', 1)],
    ]);
    expect(seen[1]).toEqual(['warning cigar.service restarted after a crash']);
    expect(seen[3]).toEqual(['warning cigar.service restarted after a crash']);
    expect(seen[4]).toEqual([]);
  });

  it('Given a crash seen while systemd waits to restart it (auto-restart), Then told at once and counted once', () => {
    const seen = run([
      [0, cigar('active', 0)],
      [5, cigar('activating', 0, 'auto-restart')],
      [10, cigar('active', 1)],
      [15, cigar('activating', 1, 'auto-restart')],
      [20, cigar('activating', 1, 'auto-restart')],
      [25, cigar('activating', 2, 'auto-restart')],
    ]);
    expect(seen[1]).toEqual(['warning cigar.service restarted after a crash']);
    expect(seen[2]).toEqual(['warning cigar.service restarted after a crash']);
    expect(seen[4]).toEqual(['warning cigar.service restarted after a crash']);
    expect(seen[5]).toEqual(['critical cigar.service is restarting in a loop']);
  });

  it('Given a crash, When a look lands between auto-restart and the new start (inactive), Then still open until stable', () => {
    const seen = run([
      [0, cigar('active', 0)],
      [2, cigar('activating', 0, 'auto-restart')],
      [4, cigar('inactive', 1)],
      [6, cigar('active', 1)],
      [12, cigar('active', 1)],
    ]);
    expect(seen.slice(1, 4)).toEqual(Array(3).fill(['warning cigar.service restarted after a crash']));
    // No look in auto-restart: NRestarts grown while inactive is the crash too, counted once.
    const missed = run([
      [0, cigar('active', 0)],
      [4, cigar('inactive', 1)],
      [6, cigar('active', 1)],
    ]);
    expect(missed.slice(1)).toEqual(Array(2).fill(['warning cigar.service restarted after a crash']));
  });

  it('Given three restarts within the window, Then it is critical: restarting in a loop', () => {
    const seen = run([
      [0, cigar('active', 0)],
      [5, cigar('active', 1)],
      [10, cigar('activating', 1, 'auto-restart')],
      [15, cigar('active', 3)],
    ]);
    expect(seen[3]).toEqual(['critical cigar.service is restarting in a loop']);
  });

  it('Given it was active, When it is inactive and nobody asked, Then critical "stopped unexpectedly", kept until it runs stable', () => {
    const memory = judgeUnits({}, [cigar('active')], 0, rules, new Set()).memory;
    expect(stoppedSinceLastLook(memory, [cigar('inactive')]).map((l) => l.name)).toEqual(['cigar']);
    const seen = run([
      [0, cigar('active')],
      [5, cigar('inactive')],
      [10, cigar('inactive')],
      [15, cigar('active')],
      [76, cigar('active')],
    ]);
    expect(seen.slice(1, 4)).toEqual(Array(3).fill(['critical cigar.service stopped unexpectedly']));
    expect(seen[4]).toEqual([]);
  });

  it('Given a look that lands while it goes down (deactivating), When it is inactive next, Then still "stopped unexpectedly"', () => {
    const seen = run([
      [0, cigar('active')],
      [5, cigar('deactivating', 0, 'stop-sigterm')],
      [10, cigar('inactive')],
    ]);
    expect(seen).toEqual([[], [], ['critical cigar.service stopped unexpectedly']]);
  });

  it('Given hms stopped it (an audit line), When it is inactive, Then nothing', () => {
    expect(
      run([
        [0, cigar('active')],
        [5, cigar('inactive'), new Set(['cigar'])],
        [10, cigar('inactive')],
      ]),
    ).toEqual([[], [], []]);
  });

  it('Given a failed unit at the first look, Then critical "failed" with its result', () => {
    const failed = { ...cigar('failed'), result: 'exit-code' };
    expect(run([[0, failed]])).toEqual([['critical cigar.service failed (exit-code)']]);
  });
});

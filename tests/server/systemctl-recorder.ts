/**
 * A recording exec for tests that need systemd: this host has no systemd as PID 1
 * (`systemctl` here answers "System has not been booted with systemd as init
 * system"), so `systemctl` argv get answers in the exact format systemd 252 prints
 * and every other argv (e.g. `nginx -t`) runs for real through the exec door.
 * The e2e suite runs the same paths against a real systemd in a Debian container.
 */
import { exec as realExec, type ExecResult } from '../../src/platform/exec.js';
import type { AgentDeps } from '../../server/env.js';

export interface UnitFixture {
  activeState: string;
  subState: string;
  loadState?: string;
  description?: string;
  mainPid?: number;
  /** undefined prints "[not set]", as systemd does without memory accounting. */
  memoryBytes?: number;
  restarts?: number;
  result?: string;
  /** "Wed 2026-11-25 18:02:11 UTC"; undefined prints an empty value (never entered). */
  activeEnter?: string;
  stateChange?: string;
}

/**
 * One `systemctl show -p ...` block. Properties come in D-Bus order (the Service
 * interface before the Unit interface), not in `-p` order, as systemctl prints them.
 */
export function showBlock(unit: string, fixture: UnitFixture): string {
  return [
    `MainPID=${fixture.mainPid ?? 0}`,
    `Result=${fixture.result ?? 'success'}`,
    `NRestarts=${fixture.restarts ?? 0}`,
    `MemoryCurrent=${fixture.memoryBytes ?? '[not set]'}`,
    `Id=${unit}`,
    `Description=${fixture.description ?? unit}`,
    `LoadState=${fixture.loadState ?? 'loaded'}`,
    `ActiveState=${fixture.activeState}`,
    `SubState=${fixture.subState}`,
    `StateChangeTimestamp=${fixture.stateChange ?? fixture.activeEnter ?? ''}`,
    `ActiveEnterTimestamp=${fixture.activeEnter ?? ''}`,
  ].join('\n');
}

const NOT_FOUND: UnitFixture = { activeState: 'inactive', subState: 'dead', loadState: 'not-found' };

export interface SystemctlRecorder {
  exec: AgentDeps['exec'];
  /** Every argv given to exec, systemctl or not. */
  calls: string[][];
  systemctlCalls: () => string[][];
}

/**
 * `units` maps a unit to its state, or to a sequence of states that successive
 * `show` calls walk through (the last one stays). `fail` makes an action fail like
 * systemctl does: exit code and stderr.
 */
export function systemctlRecorder(
  units: Record<string, UnitFixture | UnitFixture[]>,
  options: { fail?: { action: string; code: number; stderr: string } } = {},
): SystemctlRecorder {
  const calls: string[][] = [];
  const cursor = new Map<string, number>();
  const stateOf = (unit: string): UnitFixture => {
    const entry = units[unit];
    if (!entry) return NOT_FOUND;
    if (!Array.isArray(entry)) return entry;
    const index = cursor.get(unit) ?? 0;
    cursor.set(unit, index + 1);
    return entry[Math.min(index, entry.length - 1)]!;
  };
  const answer = (argv: readonly string[], code: number, stdout: string, stderr = ''): ExecResult => ({
    argv,
    code,
    signal: null,
    stdout,
    stderr,
    truncated: false,
    timedOut: false,
    aborted: false,
  });
  const exec: AgentDeps['exec'] = async (argv, execOptions) => {
    calls.push([...argv]);
    if (argv[0] !== 'systemctl') return realExec(argv, execOptions);
    const verb = argv[1]!;
    const named = argv.slice(argv.indexOf('--') + 1);
    if (verb === 'show') return answer(argv, 0, `${named.map((unit) => showBlock(unit, stateOf(unit))).join('\n\n')}\n`);
    if (options.fail?.action === verb) return answer(argv, options.fail.code, '', options.fail.stderr);
    return answer(argv, 0, '');
  };
  return { exec, calls, systemctlCalls: () => calls.filter((argv) => argv[0] === 'systemctl') };
}

/**
 * systemd through `systemctl`, run by the one exec door. Unit names come only from
 * the agent's config (apps' units, nginx.unit, agentUnit), never from a request.
 */
import type { AppAction, UnitState } from '../../../src/api/apps.js';
import { exec as realExec, type ExecResult } from '../../../src/platform/exec.js';
import type { AgentDeps } from '../../env.js';
import { ApiError } from '../../errors.js';
import { parseShow, showArgv } from './systemd-show.js';
import { BusTimeout } from './systemd-bus.js';
import { systemdWatch } from './unit-watch.js';
import { memoryOfCgroup } from './cgroup-memory.js';
export { parseShow, parseTimestamp, showArgv, UNIT_PROPERTIES } from './systemd-show.js';

type Exec = AgentDeps['exec'];

const SHOW_TIMEOUT_MS = 10_000;
/** start/restart wait for the job (e.g. Type=notify puma signalling READY). */
const ACTION_TIMEOUT_MS = 120_000;
/** States in which a unit is still on its way somewhere. */
const TRANSITIONAL = new Set(['activating', 'deactivating', 'reloading']);

/**
 * `systemctl <action> -- <unit>`. For a puma app, `reload` is a phased restart: the
 * app's unit has `ExecReload=/bin/kill -USR1 $MAINPID`, and puma answers SIGUSR1 by
 * replacing its workers one at a time while the socket keeps accepting requests.
 * For nginx, `reload` runs nginx's own ExecReload (`nginx -s reload`).
 * `noBlock` queues the job and returns at once: needed when the agent restarts
 * itself, since systemd stops the agent's whole cgroup, systemctl included.
 */
export function actionArgv(action: AppAction, unit: string, options: { noBlock?: boolean } = {}): string[] {
  return ['systemctl', action, ...(options.noBlock ? ['--no-block'] : []), '--', unit];
}

/** Runs a systemctl argv; a non-zero exit becomes a 502 carrying systemctl's stderr. */
export async function runSystemctl(exec: Exec, argv: readonly string[], timeoutMs = ACTION_TIMEOUT_MS): Promise<ExecResult> {
  const result = await exec(argv, { timeoutMs, maxOutputBytes: 256 * 1024 });
  if (result.code === 0) return result;
  const why = result.timedOut
    ? `timed out after ${timeoutMs / 1000} s`
    : result.stderr.trim() || `exit code ${result.code ?? result.signal}`;
  throw new ApiError(502, `\`${argv.join(' ')}\` failed: ${why}`, {
    hint: 'See `systemctl status` and `journalctl -u` for the unit on the server (or GET /api/logs).',
    details: { argv, code: result.code, stderr: result.stderr.slice(-4000) },
  });
}

/**
 * The state of every unit, in the order given: from systemd's own D-Bus socket
 * (unit-watch.ts, no process, kept current by systemd's signals) when `exec` is the real door, else, or when that
 * socket cannot be used, from ONE `systemctl show`. A recorder standing in for
 * systemctl in tests is always asked, never the host's systemd.
 */
export async function showUnits(exec: Exec, units: readonly string[]): Promise<UnitState[]> {
  if (units.length === 0) return [];
  const states = (exec === realExec ? await busOrNull(units) : null) ?? (await systemctlShow(exec, units));
  return Promise.all(
    states.map(async (state) =>
      state.memoryBytes === null && state.controlGroup ? { ...state, memoryBytes: await memoryOfCgroup(state.controlGroup) } : state,
    ),
  );
}

/** null where the bus cannot be used (then systemctl is asked); a systemd that hangs is an error, as systemctl's would be. */
async function busOrNull(units: readonly string[]): Promise<UnitState[] | null> {
  try {
    return await systemdWatch().states(units);
  } catch (error) {
    if (!(error instanceof BusTimeout)) return null;
    throw new ApiError(504, `Asking systemd for ${units.join(' ')} failed: ${error.message}`, {
      hint: 'systemd (PID 1) is busy or hung: see `systemctl status` and `journalctl -b` on the server.',
    });
  }
}

async function systemctlShow(exec: Exec, units: readonly string[]): Promise<UnitState[]> {
  const result = await runSystemctl(exec, showArgv(units), SHOW_TIMEOUT_MS);
  return parseShow(result.stdout, units);
}

/**
 * Like showUnits, but where systemd cannot answer (a laptop, a container without
 * it) every unit comes back as 'unknown' with the reason, instead of an error.
 */
export async function showUnitsOrUnknown(exec: Exec, units: readonly string[]): Promise<{ states: UnitState[]; problem?: string }> {
  try {
    return { states: await showUnits(exec, units) };
  } catch (error) {
    const stderr = (error as { details?: { stderr?: string } }).details?.stderr?.trim();
    const problem = (stderr || (error as Error).message).split('\n')[0]!;
    return { states: units.map(unknownState), problem };
  }
}

export function unknownState(unit: string): UnitState {
  return {
    unit,
    description: '',
    loadState: 'unknown',
    activeState: 'unknown',
    subState: 'unknown',
    since: null,
    mainPid: null,
    memoryBytes: null,
    restarts: null,
    result: null,
  };
}

export function isTransitional(state: UnitState): boolean {
  return TRANSITIONAL.has(state.activeState);
}

/**
 * Polls one unit until it leaves activating/deactivating/reloading, or the time is
 * up. Returns the last state seen and whether it settled.
 */
export async function waitUntilSettled(
  exec: Exec,
  unit: string,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<{ state: UnitState; settled: boolean }> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const [state] = await showUnits(exec, [unit]);
    if (!isTransitional(state!)) return { state: state!, settled: true };
    if (Date.now() >= deadline) return { state: state!, settled: false };
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
}

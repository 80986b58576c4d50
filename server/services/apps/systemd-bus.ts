/**
 * The units' state straight from systemd over its private D-Bus socket, the way
 * `systemctl show` run as root gets it, without starting a process: every property
 * asked for at once (pipelined `Properties.Get` calls) on a connection (bus-connection.ts)
 * of its own here, or on the agent's one watching connection (unit-watch.ts). About 50 ms
 * of systemctl (most of it the process and its own start-up) become a few ms.
 * Read-only: actions still go through systemctl.
 * Where the socket is not there or not ours (no systemd as PID 1, not root), callers
 * fall back to `systemctl show` (systemd.ts).
 */
import type { UnitState } from '../../../src/api/apps.js';
import { BusConnection, type Reply } from './bus-connection.js';
import { type Call, encodeCall } from './dbus-wire.js';

export { BusTimeout } from './bus-connection.js';

export const SYSTEMD_PRIVATE_SOCKET = '/run/systemd/private';
const PROPERTIES = 'org.freedesktop.DBus.Properties';
const UNIT = 'org.freedesktop.systemd1.Unit';
const UNIT_PROPERTIES = ['Id', 'Description', 'LoadState', 'ActiveState', 'SubState', 'ActiveEnterTimestamp', 'StateChangeTimestamp'];
/** The type-specific interface and what the agent reads of it (a timer has no process and no cgroup). */
const TYPE_PROPERTIES: Record<string, { iface: string; names: string[] }> = {
  service: { iface: 'org.freedesktop.systemd1.Service', names: ['MainPID', 'NRestarts', 'Result', 'MemoryCurrent', 'ControlGroup'] },
  socket: { iface: 'org.freedesktop.systemd1.Socket', names: ['Result', 'MemoryCurrent', 'ControlGroup'] },
  timer: { iface: 'org.freedesktop.systemd1.Timer', names: ['Result'] },
};

/** A call that systemd answered with an error (e.g. a property this unit type lacks): the property is absent. */
export type Answer = unknown;

/**
 * Every unit's state, in the order given. Rejects when systemd cannot be asked this way
 * (socket missing, refused, a protocol error), or with BusTimeout when systemd took it but
 * did not answer within `timeoutMs` (a systemd that hangs: systemctl would hang as well).
 */
export async function busUnitStates(
  units: readonly string[],
  options: { socketPath?: string; timeoutMs?: number } = {},
): Promise<UnitState[]> {
  const plan = planFor(units, stateProperties);
  return unitStates(plan, await ask(plan, options));
}

/** What the apps' state reads of a unit: the Unit interface, then its type's. */
export function stateProperties(unit: string): Array<[string, string]> {
  const type = TYPE_PROPERTIES[unit.slice(unit.lastIndexOf('.') + 1)];
  return [
    ...UNIT_PROPERTIES.map((name): [string, string] => [UNIT, name]),
    ...(type?.names ?? []).map((name): [string, string] => [type!.iface, name]),
  ];
}

/**
 * Any properties of the units, by [interface, name], each unit's as a map by name (a
 * property systemd answered with an error is absent). Rejects as busUnitStates does.
 */
export async function busProperties(
  units: readonly string[],
  propertiesOf: (unit: string) => Array<[string, string]>,
  options: { socketPath?: string; timeoutMs?: number } = {},
): Promise<Array<Map<string, Answer>>> {
  const plan = planFor(units, propertiesOf);
  return answersOf(plan, await ask(plan, options));
}

/** Each unit's replies as a map by property name (a property systemd answered with an error: undefined). */
export function answersOf(plan: Plan, replies: Reply[]): Array<Map<string, Answer>> {
  return plan.asked.map(
    ({ names, first }) =>
      new Map(names.map((name, index) => [name, replies[first + index]?.failed ? undefined : replies[first + index]?.value])),
  );
}

/** The units' states from the replies to a plan of stateProperties. */
export function unitStates(plan: Plan, replies: Reply[]): UnitState[] {
  const answers = answersOf(plan, replies);
  return plan.asked.map(({ unit }, index) => unitState(unit, answers[index]!));
}

export interface Plan {
  asked: Array<{ unit: string; names: string[]; first: number }>;
  /** Every call, serials 1..count, as one write: the same bytes for the same units, so made once. */
  request: Buffer;
  count: number;
}

/** The last plan of each kind of question (apps' states, the backups' environments...), by its units. */
const lastPlans = new WeakMap<(unit: string) => Array<[string, string]>, { key: string; plan: Plan }>();

export function planFor(units: readonly string[], propertiesOf: (unit: string) => Array<[string, string]>): Plan {
  const key = units.join(' ');
  const last = lastPlans.get(propertiesOf);
  if (last?.key === key) return last.plan;
  const calls: Call[] = [];
  const asked = units.map((unit) => {
    const path = unitObjectPath(unit);
    const names = propertiesOf(unit);
    const first = calls.length;
    for (const [iface, name] of names) calls.push({ path, interface: PROPERTIES, member: 'Get', args: [iface, name] });
    return { unit, names: names.map(([, name]) => name), first };
  });
  const request = Buffer.concat(calls.map((call, index) => encodeCall(index + 1, call)));
  const plan = { asked, request, count: calls.length };
  lastPlans.set(propertiesOf, { key, plan });
  return plan;
}

function unitState(unit: string, p: Map<string, Answer>): UnitState {
  const text = (name: string) => (typeof p.get(name) === 'string' ? (p.get(name) as string) : '');
  const activeState = text('ActiveState') || 'unknown';
  const active = activeState === 'active' || activeState === 'reloading';
  return {
    unit: text('Id') || unit,
    description: text('Description'),
    loadState: text('LoadState') || 'unknown',
    activeState,
    subState: text('SubState') || 'unknown',
    // Inactive units keep the time they last were active; "since" means the current state.
    since: timestamp(p.get(active ? 'ActiveEnterTimestamp' : 'StateChangeTimestamp')),
    mainPid: number(p.get('MainPID')) || null,
    memoryBytes: number(p.get('MemoryCurrent')),
    restarts: number(p.get('NRestarts')),
    result: text('Result') || null,
    controlGroup: text('ControlGroup') || null,
  };
}

/** µs since the epoch, 0 for never; to the second, as `systemctl show --timestamp=utc` prints it. */
function timestamp(value: Answer): string | null {
  const micros = number(value);
  return micros ? new Date(Math.floor(micros / 1_000_000) * 1000).toISOString() : null;
}

/** A u32 or u64; UINT64_MAX ("[not set]") and anything else -> null. */
export function number(value: Answer): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  return null;
}

/** One batch on a connection of its own, closed once answered. */
async function ask(plan: Plan, options: { socketPath?: string; timeoutMs?: number }): Promise<Reply[]> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const connection = await BusConnection.open(options.socketPath ?? SYSTEMD_PRIVATE_SOCKET, timeoutMs);
  try {
    return await connection.ask(plan.request, plan.count, timeoutMs);
  } finally {
    connection.close();
  }
}

/**
 * systemd's object path for a unit: sd_bus_path_encode's label escaping, every byte
 * but [A-Za-z0-9] (and a leading digit) as _xx in lowercase hex.
 */
export function unitObjectPath(unit: string): string {
  let label = '';
  for (const [index, byte] of [...Buffer.from(unit, 'utf8')].entries()) {
    const char = String.fromCharCode(byte);
    const keep = /[A-Za-z]/.test(char) || (index > 0 && /[0-9]/.test(char));
    label += keep ? char : `_${byte.toString(16).padStart(2, '0')}`;
  }
  return `/org/freedesktop/systemd1/unit/${label}`;
}

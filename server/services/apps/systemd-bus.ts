/**
 * The units' state straight from systemd over its private D-Bus socket, the way
 * `systemctl show` run as root gets it, without starting a process: one connection
 * per snapshot, every property asked for at once (pipelined `Properties.Get` calls),
 * closed when the answers are in. About 50 ms of systemctl (most of it the process
 * and its own start-up) become a few ms. Read-only: actions still go through systemctl.
 * Where the socket is not there or not ours (no systemd as PID 1, not root), callers
 * fall back to `systemctl show` (systemd.ts).
 */
import { connect } from 'node:net';
import type { UnitState } from '../../../src/api/apps.js';
import { exec as realExec } from '../../../src/platform/exec.js';
import { ApiError } from '../../errors.js';
import { type Call, decodeMessage, encodeCall, ERROR, type Message, METHOD_RETURN, messageLength } from './dbus-wire.js';

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

/** systemd accepted the connection and then said nothing in time. */
export class BusTimeout extends Error {}

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
  const answers = await busProperties(units, stateProperties, options);
  return units.map((unit, index) => unitState(unit, answers[index]!));
}

/** What the apps' state reads of a unit: the Unit interface, then its type's. */
function stateProperties(unit: string): Array<[string, string]> {
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
  const { asked, request, count } = planFor(units, propertiesOf);
  const answers = await ask(request, count, options.socketPath ?? SYSTEMD_PRIVATE_SOCKET, options.timeoutMs ?? 10_000);
  return asked.map(({ names, first }) => new Map(names.map((name, index) => [name, answers[first + index]])));
}

interface Plan {
  asked: Array<{ unit: string; names: string[]; first: number }>;
  /** Every call, serials 1..count, as one write: the same bytes for the same units, so made once. */
  request: Buffer;
  count: number;
}

/** The last plan of each kind of question (apps' states, the backups' environments...), by its units. */
const lastPlans = new WeakMap<(unit: string) => Array<[string, string]>, { key: string; plan: Plan }>();

function planFor(units: readonly string[], propertiesOf: (unit: string) => Array<[string, string]>): Plan {
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
  const request = Buffer.concat([Buffer.from('BEGIN\r\n'), ...calls.map((call, index) => encodeCall(index + 1, call))]);
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

/**
 * Connects, authenticates as this process's uid (EXTERNAL), sends every call at once
 * and collects the replies by serial. A call answered with an error yields undefined.
 */
function ask(request: Buffer, count: number, socketPath: string, timeoutMs: number): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const answers: Answer[] = new Array(count);
    let pending = count;
    let authenticated = false;
    let buffer = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new BusTimeout(`systemd did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    const done = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(answers);
    };
    const fail = (error: Error) => done(error);
    const onMessage = (message: Message) => {
      // Signals systemd sends to every private connection, and anything else, are not replies to us.
      const index = (message.replySerial ?? 0) - 1;
      if (index < 0 || index >= count || (message.type !== METHOD_RETURN && message.type !== ERROR)) return;
      answers[index] = message.type === ERROR ? undefined : message.body[0];
      if (--pending === 0) done();
    };
    socket.on('connect', () => {
      const uid = String(process.getuid?.() ?? 0);
      socket.write(`\0AUTH EXTERNAL ${Buffer.from(uid, 'ascii').toString('hex')}\r\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      try {
        if (!authenticated) {
          const end = buffer.indexOf('\r\n');
          if (end < 0) return;
          const line = buffer.toString('ascii', 0, end);
          if (!line.startsWith('OK ')) throw new Error(`systemd refused the connection: ${line}`);
          authenticated = true;
          buffer = buffer.subarray(end + 2);
          socket.write(request);
        }
        for (let length = messageLength(buffer); length !== null && buffer.length >= length; length = messageLength(buffer)) {
          onMessage(decodeMessage(buffer.subarray(0, length)));
          buffer = buffer.subarray(length);
        }
      } catch (error) {
        fail(error as Error);
      }
    });
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('systemd closed the connection before answering')));
    if (count === 0) done();
  });
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

/**
 * busProperties for a service other than apps (the backups overview): null where systemd is not to be
 * asked this way (a recorder stands in for systemctl in tests) or cannot be (no socket, refused), and
 * the caller runs `systemctl show` instead; a systemd that takes the connection and hangs is a 504.
 */
export async function unitPropertiesOrNull(
  exec: unknown,
  units: readonly string[],
  propertiesOf: (unit: string) => Array<[string, string]>,
  options: { socketPath?: string; timeoutMs?: number } = {},
): Promise<Array<Map<string, Answer>> | null> {
  if (exec !== realExec) return null;
  try {
    return await busProperties(units, propertiesOf, { timeoutMs: 10_000, ...options });
  } catch (error) {
    if (!(error instanceof BusTimeout)) return null;
    throw new ApiError(504, `Asking systemd for ${units.join(' ')} failed: ${error.message}`, {
      hint: 'systemd (PID 1) is busy or hung: see `systemctl status` and `journalctl -b` on the server.',
    });
  }
}

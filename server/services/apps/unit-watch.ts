/**
 * The units' state kept by listening to systemd instead of asking it everything each
 * time. One connection to its private socket stays open, subscribed (Manager.Subscribe):
 * systemd then tells it of every change (a unit's PropertiesChanged, UnitNew, UnitRemoved,
 * Reloading). A snapshot is asked for in full (22 units: ~260 properties, 12-40 ms of the
 * agent and systemd) only when one of its units changed since, or after FULL_EVERY_MS;
 * otherwise only the memory is asked again (MemoryCurrent is the one property systemd
 * does not signal), ~20 calls on the open connection. Its replies come after every signal
 * systemd sent before it, so a change that happened before they are read is never missed:
 * the snapshot is then asked for in full. A broken connection is heard as a change.
 */
import type { UnitState } from '../../../src/api/apps.js';
import { exec as realExec } from '../../../src/platform/exec.js';
import { ApiError } from '../../errors.js';
import { BusConnection, BusTimeout, type Reply, SIGNAL } from './bus-connection.js';
import { encodeCall, type Message } from './dbus-wire.js';
import {
  type Answer,
  answersOf,
  busProperties,
  number,
  planFor,
  type Plan,
  stateProperties,
  SYSTEMD_PRIVATE_SOCKET,
  unitObjectPath,
  unitStates,
} from './systemd-bus.js';

const MANAGER = '/org/freedesktop/systemd1';
/** However quiet systemd has been, a snapshot is asked for in full again after this long. */
export const FULL_EVERY_MS = 60_000;
/** Snapshots kept, by their units (the apps' list, and single units polled by deploys). */
const KEPT = 32;

const SUBSCRIBE = encodeCall(1, { path: MANAGER, interface: 'org.freedesktop.systemd1.Manager', member: 'Subscribe', args: [] });
const PING = encodeCall(1, { path: MANAGER, interface: 'org.freedesktop.DBus.Peer', member: 'Ping', args: [] });
const MEMORY_OF: Record<string, string> = { service: 'org.freedesktop.systemd1.Service', socket: 'org.freedesktop.systemd1.Socket' };

function memoryProperties(unit: string): Array<[string, string]> {
  const iface = MEMORY_OF[unit.slice(unit.lastIndexOf('.') + 1)];
  return iface ? [[iface, 'MemoryCurrent']] : [];
}

interface Kept {
  generation: number;
  at: number;
  states: UnitState[];
}

interface KeptAnswers {
  generation: number;
  at: number;
  answers: Array<Map<string, Answer>>;
}

export class UnitWatch {
  private opening: Promise<BusConnection> | undefined;
  private live: BusConnection | undefined;
  /** Counts the changes heard; a snapshot is good while it is the one it was taken at. */
  private generation = 0;
  private subscribed = false;
  private readonly kept = new Map<string, Kept>();
  /** The last answers of each kind of question (the backups' environments and timer), by its units. */
  private readonly keptAnswers = new WeakMap<(unit: string) => Array<[string, string]>, Map<string, KeptAnswers>>();
  private readonly paths = new Set<string>();
  private readonly names = new Set<string>();

  constructor(
    private readonly socketPath = SYSTEMD_PRIVATE_SOCKET,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Every unit's state, in the order given (as busUnitStates answers, without a new connection each time). */
  async states(units: readonly string[]): Promise<UnitState[]> {
    const key = units.join(' ');
    const connection = await this.connection();
    const kept = this.kept.get(key);
    if (this.current(kept)) {
      const memory = planFor(units, memoryProperties);
      const replies = await this.unchangedAfter(connection, memory);
      if (replies) return withMemory(kept.states, memory, replies);
    }
    const plan = planFor(units, stateProperties);
    const { generation, replies } = await this.askAll(connection, units, plan);
    const states = unitStates(plan, replies);
    this.keep(key, { generation, at: Date.now(), states });
    return states;
  }

  /**
   * Any properties of the units, as busProperties answers them, on the open connection. Kept as the
   * states are (asked again after a change systemd signalled for one of the units, a reload, or
   * FULL_EVERY_MS): only for properties that systemd signals or that change only with a reload.
   */
  async properties(units: readonly string[], propertiesOf: (unit: string) => Array<[string, string]>): Promise<Array<Map<string, Answer>>> {
    const connection = await this.connection();
    let byKey = this.keptAnswers.get(propertiesOf);
    if (!byKey) this.keptAnswers.set(propertiesOf, (byKey = new Map()));
    const key = units.join(' ');
    const kept = byKey.get(key);
    if (this.current(kept) && (await this.unchangedAfter(connection))) return kept.answers;
    const plan = planFor(units, propertiesOf);
    const { generation, replies } = await this.askAll(connection, units, plan);
    const answers = answersOf(plan, replies);
    byKey.set(key, { generation, at: Date.now(), answers });
    return answers;
  }

  /** Whether what was kept may still be given: subscribed, nothing heard since, not older than FULL_EVERY_MS. */
  private current<T extends { generation: number; at: number }>(kept: T | undefined): kept is T {
    return kept !== undefined && this.subscribed && kept.generation === this.generation && Date.now() - kept.at < FULL_EVERY_MS;
  }

  /**
   * Asks `plan` (none or an empty one: a Ping) and gives its replies if systemd signalled no change before
   * answering (its replies come after every signal sent before them); undefined if it did.
   */
  private async unchangedAfter(connection: BusConnection, plan?: Plan): Promise<Reply[] | undefined> {
    const seen = this.generation;
    const replies = plan && plan.count > 0 ? await connection.ask(plan.request, plan.count, this.timeoutMs) : await this.ping(connection);
    return this.generation === seen ? replies : undefined;
  }

  /** Asks `plan` in full, the units watched from now on; `generation` is the one the answers are good for. */
  private async askAll(connection: BusConnection, units: readonly string[], plan: Plan): Promise<{ generation: number; replies: Reply[] }> {
    for (const unit of units) {
      this.paths.add(unitObjectPath(unit));
      this.names.add(unit);
    }
    const generation = this.generation;
    return { generation, replies: await connection.ask(plan.request, plan.count, this.timeoutMs) };
  }

  close(): void {
    this.live?.close();
  }

  private ping(connection: BusConnection): Promise<Reply[]> {
    return connection.ask(PING, 1, this.timeoutMs);
  }

  private keep(key: string, kept: Kept): void {
    this.kept.delete(key);
    this.kept.set(key, kept);
    if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value!);
  }

  private connection(): Promise<BusConnection> {
    if (this.live && !this.live.broken) return Promise.resolve(this.live);
    if (this.opening) return this.opening;
    const opening = BusConnection.open(this.socketPath, this.timeoutMs, (message) => this.heard(message)).then(async (connection) => {
      const [reply] = await connection.ask(SUBSCRIBE, 1, this.timeoutMs);
      // Not subscribed (refused): no change would be heard, so every snapshot is asked for in full.
      this.subscribed = reply?.failed === false;
      this.live = connection;
      return connection;
    });
    this.opening = opening;
    const done = () => {
      if (this.opening === opening) this.opening = undefined;
    };
    opening.then(done, done);
    return opening;
  }

  private heard(message: Message): void {
    if (message.type !== SIGNAL) return;
    if (message.member === 'Disconnected') {
      this.generation += 1;
      this.subscribed = false;
      this.live = undefined;
      return;
    }
    const ours =
      (message.path !== undefined && this.paths.has(message.path)) ||
      (message.path === MANAGER &&
        (message.member === 'Reloading' ||
          ((message.member === 'UnitNew' || message.member === 'UnitRemoved') && this.names.has(String(message.body[0])))));
    if (ours) this.generation += 1;
  }
}

function withMemory(states: UnitState[], memory: Plan, replies: Reply[]): UnitState[] {
  const answers = answersOf(memory, replies);
  return states.map((state, index) => {
    if (!memory.asked[index]?.names.length) return state;
    return { ...state, memoryBytes: number(answers[index]!.get('MemoryCurrent')) };
  });
}

let shared: UnitWatch | undefined;

/** The agent's one watch on systemd's private socket. */
export function systemdWatch(): UnitWatch {
  shared ??= new UnitWatch();
  return shared;
}

/**
 * Any properties of the units for a service other than apps (the backups overview), on the watch's
 * connection (or, given a socketPath, one of its own): null where systemd is not to be asked this way
 * (a recorder stands in for systemctl in tests) or cannot be (no socket, refused), and the caller runs
 * `systemctl show` instead; a systemd that takes the connection and hangs is a 504.
 */
export async function unitPropertiesOrNull(
  exec: unknown,
  units: readonly string[],
  propertiesOf: (unit: string) => Array<[string, string]>,
  options: { socketPath?: string; timeoutMs?: number } = {},
): Promise<Array<Map<string, Answer>> | null> {
  if (exec !== realExec) return null;
  try {
    if (options.socketPath) return await busProperties(units, propertiesOf, { timeoutMs: 10_000, ...options });
    return await systemdWatch().properties(units, propertiesOf);
  } catch (error) {
    if (!(error instanceof BusTimeout)) return null;
    throw new ApiError(504, `Asking systemd for ${units.join(' ')} failed: ${error.message}`, {
      hint: 'systemd (PID 1) is busy or hung: see `systemctl status` and `journalctl -b` on the server.',
    });
  }
}

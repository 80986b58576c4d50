/**
 * The agent's watch on systemd (one subscribed connection, snapshots kept until systemd
 * signals a change). This host has no systemd as PID 1, so systemd's side is played over
 * a real unix socket, message for message; tests/e2e/agent.e2e.test.ts checks against the
 * real systemd 252 that a change made behind the agent's back shows in the next answer.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeMessage,
  ERROR,
  METHOD_CALL,
  METHOD_RETURN,
  messageLength,
  type Typed,
} from '../../../../server/services/apps/dbus-wire.js';
import { BusTimeout, unitObjectPath } from '../../../../server/services/apps/systemd-bus.js';
import { UnitWatch } from '../../../../server/services/apps/unit-watch.js';

const SIGNAL = 4;

interface Options {
  /** Answer Subscribe with an error. */
  refuseSubscribe?: boolean;
  /** Signal a change of this unit just before answering the next MemoryCurrent calls. */
  changeDuringMemory?: () => string | undefined;
  /** Take calls, answer none. */
  silent?: boolean;
}

/** systemd's side: units by name, every call each connection made, and signals to subscribers. */
async function fakeSystemd(units: Record<string, Record<string, Typed>>, options: Options = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-watch-'));
  const socketPath = path.join(dir, 'private');
  const connections: Array<{ socket: Socket; calls: string[]; subscribed: boolean }> = [];
  const byPath = () => new Map(Object.keys(units).map((unit) => [unitObjectPath(unit), units[unit]!]));
  let serial = 1000;
  const signal = (socket: Socket, unit: string) =>
    socket.write(
      encodeMessage(
        SIGNAL,
        serial++,
        { path: unitObjectPath(unit), interface: 'org.freedesktop.DBus.Properties', member: 'PropertiesChanged' },
        [['s', 'org.freedesktop.systemd1.Unit']],
      ),
    );
  const server = createServer((socket) => {
    const connection = { socket, calls: [] as string[], subscribed: false };
    connections.push(connection);
    let buffer = Buffer.alloc(0);
    let authenticated = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!authenticated) {
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        authenticated = true;
        buffer = buffer.subarray(end + 2);
        socket.write('OK 0123456789abcdef0123456789abcdef\r\n');
      }
      if (buffer.subarray(0, 7).toString() === 'BEGIN\r\n') buffer = buffer.subarray(7);
      const replies: Buffer[] = [];
      for (let length = messageLength(buffer); length !== null && buffer.length >= length; length = messageLength(buffer)) {
        const call = decodeMessage(buffer.subarray(0, length));
        buffer = buffer.subarray(length);
        if (call.type !== METHOD_CALL) continue;
        const name = call.member === 'Get' ? String(call.body[1]) : call.member!;
        connection.calls.push(name);
        if (name === 'MemoryCurrent' && replies.length === 0) {
          const changed = options.changeDuringMemory?.();
          if (changed) signal(socket, changed);
        }
        const ok = (body: Typed[]) => replies.push(encodeMessage(METHOD_RETURN, serial++, { replySerial: call.serial }, body));
        if (call.member === 'Subscribe' && !options.refuseSubscribe) {
          connection.subscribed = true;
          ok([]);
        } else if (call.member === 'Ping') ok([]);
        else {
          const value = call.member === 'Get' ? byPath().get(call.path!)?.[name] : undefined;
          if (value) ok([['v', value]]);
          else
            replies.push(encodeMessage(ERROR, serial++, { replySerial: call.serial, errorName: 'org.freedesktop.DBus.Error.Failed' }, []));
        }
      }
      if (!options.silent && replies.length > 0) socket.write(Buffer.concat(replies));
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  cleanups.push(async () => {
    for (const { socket } of connections) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });
  return {
    socketPath,
    connections,
    /** Changes a unit's properties and tells every subscribed connection, as systemd does. */
    async change(unit: string, properties: Record<string, Typed>) {
      Object.assign(units[unit]!, properties);
      for (const { socket, subscribed } of connections) if (subscribed) signal(socket, unit);
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
    calls: () => connections.flatMap((connection) => connection.calls),
  };
}

const cleanups: Array<() => Promise<void>> = [];
const watches: UnitWatch[] = [];
afterEach(async () => {
  for (const watch of watches.splice(0)) watch.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
const watchOn = (socketPath: string, timeoutMs = 2000) => {
  const watch = new UnitWatch(socketPath, timeoutMs);
  watches.push(watch);
  return watch;
};

const service = (id: string, pid: number): Record<string, Typed> => ({
  Id: ['s', id],
  ActiveState: ['s', 'active'],
  SubState: ['s', 'running'],
  MainPID: ['u', pid],
  MemoryCurrent: ['t', 100_000_000n],
  ControlGroup: ['s', `/system.slice/${id}`],
});
const UNITS = ['cigar.service', 'tobacco.service', 'hms-backup.timer'];
const fixture = () => ({
  'cigar.service': service('cigar.service', 11),
  'tobacco.service': service('tobacco.service', 22),
  'hms-backup.timer': { Id: ['s', 'hms-backup.timer'], ActiveState: ['s', 'active'] } as Record<string, Typed>,
  'other.service': service('other.service', 33),
});
const snapshotCalls = 7 * 3 + 5 * 2 + 1; // the Unit interface of 3 units, 2 services' 5 and a timer's Result

describe("the agent's watch on systemd", () => {
  it('Given nothing changed, When asked again, Then only the memory is asked for, and it is the new memory', async () => {
    const units = fixture();
    const systemd = await fakeSystemd(units);
    const watch = watchOn(systemd.socketPath);
    const first = await watch.states(UNITS);
    expect(first.map((s) => s.mainPid)).toEqual([11, 22, null]);
    expect(systemd.calls()).toHaveLength(1 + snapshotCalls);
    systemd.connections[0]!.calls.length = 0;
    // The memory moved (systemd never signals MemoryCurrent) and a unit not watched changed: no full snapshot.
    units['cigar.service'].MemoryCurrent = ['t', 200_000_000n];
    await systemd.change('other.service', { MainPID: ['u', 34] });
    const again = await watch.states(UNITS);
    expect(systemd.calls()).toEqual(['MemoryCurrent', 'MemoryCurrent']);
    expect(again).toEqual([{ ...first[0], memoryBytes: 200_000_000 }, ...first.slice(1)]);
    expect(systemd.connections).toHaveLength(1);
  });

  it('Given a watched unit changes, When asked next, Then the snapshot is asked for in full and shows the change', async () => {
    const systemd = await fakeSystemd(fixture());
    const watch = watchOn(systemd.socketPath);
    await watch.states(UNITS);
    await systemd.change('tobacco.service', { ActiveState: ['s', 'inactive'], SubState: ['s', 'dead'], MainPID: ['u', 0] });
    systemd.connections[0]!.calls.length = 0;
    const [, tobacco] = await watch.states(UNITS);
    expect(tobacco).toMatchObject({ activeState: 'inactive', subState: 'dead', mainPid: null });
    expect(systemd.calls()).toHaveLength(snapshotCalls);
  });

  it('Given a change signalled while the memory is asked for, When the replies come, Then the snapshot is asked for in full', async () => {
    let change: string | undefined;
    const systemd = await fakeSystemd(fixture(), { changeDuringMemory: () => change });
    const watch = watchOn(systemd.socketPath);
    await watch.states(UNITS);
    change = 'cigar.service';
    systemd.connections[0]!.calls.length = 0;
    await watch.states(UNITS);
    expect(systemd.calls().slice(0, 2)).toEqual(['MemoryCurrent', 'MemoryCurrent']);
    expect(systemd.calls()).toHaveLength(2 + snapshotCalls);
  });

  it('Given systemd refuses the subscription, When asked twice, Then each answer is asked for in full', async () => {
    const systemd = await fakeSystemd(fixture(), { refuseSubscribe: true });
    const watch = watchOn(systemd.socketPath);
    await watch.states(UNITS);
    await watch.states(UNITS);
    expect(systemd.calls()).toHaveLength(1 + 2 * snapshotCalls);
  });

  it('Given systemd closes the connection, When asked next, Then a new connection subscribes and asks in full', async () => {
    const systemd = await fakeSystemd(fixture());
    const watch = watchOn(systemd.socketPath);
    await watch.states(UNITS);
    systemd.connections[0]!.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const states = await watch.states(UNITS);
    expect(states[0]).toMatchObject({ activeState: 'active', mainPid: 11 });
    expect(systemd.connections).toHaveLength(2);
    expect(systemd.connections[1]!.calls).toHaveLength(1 + snapshotCalls);
  });

  it(
    'Given properties asked for twice, When nothing changed, Then the second is one Ping; ' + 'after a signal for one unit, asked in full',
    async () => {
      const systemd = await fakeSystemd(fixture());
      const watch = watchOn(systemd.socketPath);
      const environmentOf = (): Array<[string, string]> => [['org.freedesktop.systemd1.Unit', 'Id']];
      const first = await watch.properties(['cigar.service', 'tobacco.service'], environmentOf);
      expect(first.map((answers) => answers.get('Id'))).toEqual(['cigar.service', 'tobacco.service']);
      systemd.connections[0]!.calls.length = 0;
      expect(await watch.properties(['cigar.service', 'tobacco.service'], environmentOf)).toEqual(first);
      expect(systemd.calls()).toEqual(['Ping']);
      await systemd.change('tobacco.service', { Id: ['s', 'tobacco.service'] });
      systemd.connections[0]!.calls.length = 0;
      await watch.properties(['cigar.service', 'tobacco.service'], environmentOf);
      expect(systemd.calls()).toEqual(['Id', 'Id']);
    },
  );

  it('Given a systemd that takes the calls and never answers, When asked, Then it rejects with BusTimeout', async () => {
    const systemd = await fakeSystemd(fixture(), { silent: true });
    await expect(watchOn(systemd.socketPath, 200).states(UNITS)).rejects.toBeInstanceOf(BusTimeout);
  });
});

/**
 * The agent's D-Bus client for systemd's private socket. This host has no systemd as
 * PID 1, so systemd's side is played here over a real unix socket, message for message
 * as the D-Bus specification has it; the e2e suite (tests/e2e/agent-apps-bus.e2e.test.ts)
 * checks the same answers against the real systemd 252 of a Debian test server.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exec } from '../../../../src/platform/exec.js';
import {
  decodeMessage,
  encodeMessage,
  ERROR,
  METHOD_CALL,
  METHOD_RETURN,
  messageLength,
  type Typed,
} from '../../../../server/services/apps/dbus-wire.js';
import { BusTimeout, busProperties, busUnitStates, unitObjectPath } from '../../../../server/services/apps/systemd-bus.js';
import { showUnits } from '../../../../server/services/apps/systemd.js';

type Units = Record<string, Record<string, Typed>>;
const UINT64_MAX = 2n ** 64n - 1n;
const SIGNAL = 4;

interface FakeSystemd {
  socketPath: string;
  /** Each connection's AUTH line and the calls it made. */
  connections: Array<{ auth: string; calls: Array<{ path: string; args: unknown[] }> }>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** systemd's side: `mode` 'answer' (the default), 'refuse' the authentication, or stay 'silent' after it. */
async function fakeSystemd(units: Units, mode: 'answer' | 'refuse' | 'silent' = 'answer'): Promise<FakeSystemd> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-bus-'));
  const fake: FakeSystemd = { socketPath: path.join(dir, 'private'), connections: [] };
  const byPath = new Map(Object.keys(units).map((unit) => [unitObjectPath(unit), units[unit]!]));
  const server: Server = createServer((socket: Socket) => {
    const connection = { auth: '', calls: [] as Array<{ path: string; args: unknown[] }> };
    fake.connections.push(connection);
    let buffer = Buffer.alloc(0);
    let serial = 100;
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!connection.auth) {
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        connection.auth = buffer.toString('latin1', 0, end);
        buffer = buffer.subarray(end + 2);
        socket.write(mode === 'refuse' ? 'REJECTED EXTERNAL\r\n' : 'OK 0123456789abcdef0123456789abcdef\r\n');
        return;
      }
      if (buffer.subarray(0, 7).toString() === 'BEGIN\r\n') buffer = buffer.subarray(7);
      const replies: Buffer[] = [
        // systemd sends its signals to every private connection, asked or not.
        encodeMessage(
          SIGNAL,
          serial++,
          { path: '/org/freedesktop/systemd1', interface: 'org.freedesktop.systemd1.Manager', member: 'Reloading' },
          [['s', 'not a reply']],
        ),
      ];
      for (let length = messageLength(buffer); length !== null && buffer.length >= length; length = messageLength(buffer)) {
        const call = decodeMessage(buffer.subarray(0, length));
        buffer = buffer.subarray(length);
        if (call.type !== METHOD_CALL) continue;
        connection.calls.push({ path: call.path!, args: call.body });
        const value = byPath.get(call.path!)?.[call.body[1] as string];
        replies.push(
          value
            ? encodeMessage(METHOD_RETURN, serial++, { replySerial: call.serial }, [['v', value]])
            : encodeMessage(ERROR, serial++, { replySerial: call.serial, errorName: 'org.freedesktop.DBus.Error.UnknownProperty' }, [
                ['s', `Unknown property ${String(call.body[1])}`],
              ]),
        );
      }
      if (mode === 'silent') return;
      // In two writes cut mid-message: the client must put messages together from pieces.
      const all = Buffer.concat(replies);
      socket.write(all.subarray(0, 7));
      setImmediate(() => socket.write(all.subarray(7)));
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(fake.socketPath, resolve));
  cleanups.push(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });
  return fake;
}

const usec = (iso: string): Typed => ['t', BigInt(Date.parse(iso)) * 1000n + 123_456n];

const CIGAR: Record<string, Typed> = {
  Id: ['s', 'cigar.service'],
  Description: ['s', 'cigar (puma)'],
  LoadState: ['s', 'loaded'],
  ActiveState: ['s', 'active'],
  SubState: ['s', 'running'],
  ActiveEnterTimestamp: usec('2026-11-25T18:02:11Z'),
  StateChangeTimestamp: usec('2026-11-25T18:02:11Z'),
  MainPID: ['u', 4242],
  NRestarts: ['u', 2],
  Result: ['s', 'success'],
  MemoryCurrent: ['t', 187_654_144n],
  ControlGroup: ['s', '/system.slice/cigar.service'],
};

describe("units' state from systemd's private D-Bus socket", () => {
  it('Given a running app and an unknown unit, When asked, Then both come back in order, as systemctl show has them', async () => {
    const fake = await fakeSystemd({
      'cigar.service': CIGAR,
      'nope.service': {
        Id: ['s', 'nope.service'],
        Description: ['s', 'nope.service'],
        LoadState: ['s', 'not-found'],
        ActiveState: ['s', 'inactive'],
        SubState: ['s', 'dead'],
        ActiveEnterTimestamp: ['t', 0n],
        StateChangeTimestamp: ['t', 0n],
        MainPID: ['u', 0],
        NRestarts: ['u', 0],
        Result: ['s', 'success'],
        MemoryCurrent: ['t', UINT64_MAX],
        ControlGroup: ['s', ''],
      },
    });
    const states = await busUnitStates(['cigar.service', 'nope.service'], { socketPath: fake.socketPath });
    expect(states).toEqual([
      {
        unit: 'cigar.service',
        description: 'cigar (puma)',
        loadState: 'loaded',
        activeState: 'active',
        subState: 'running',
        since: '2026-11-25T18:02:11.000Z',
        mainPid: 4242,
        memoryBytes: 187_654_144,
        restarts: 2,
        result: 'success',
        controlGroup: '/system.slice/cigar.service',
      },
      {
        unit: 'nope.service',
        description: 'nope.service',
        loadState: 'not-found',
        activeState: 'inactive',
        subState: 'dead',
        since: null,
        mainPid: null,
        memoryBytes: null,
        restarts: 0,
        result: 'success',
        controlGroup: null,
      },
    ]);
    // One connection, authenticated as this process's uid, every property asked for on it.
    expect(fake.connections).toHaveLength(1);
    expect(fake.connections[0]!.auth).toBe(`\0AUTH EXTERNAL ${Buffer.from(String(process.getuid!())).toString('hex')}`);
    expect(fake.connections[0]!.calls).toHaveLength(24);
    expect(fake.connections[0]!.calls[0]).toEqual({
      path: '/org/freedesktop/systemd1/unit/cigar_2eservice',
      args: ['org.freedesktop.systemd1.Unit', 'Id'],
    });
  });

  it('Given a unit whose properties systemd partly refuses, When asked, Then the refused ones are absent, the rest stand', async () => {
    const { MainPID, NRestarts, MemoryCurrent, ...rest } = CIGAR;
    const fake = await fakeSystemd({ 'cigar.service': { ...rest, ActiveState: ['s', 'failed'], SubState: ['s', 'failed'] } });
    const [state] = await busUnitStates(['cigar.service'], { socketPath: fake.socketPath });
    expect(state).toMatchObject({ activeState: 'failed', mainPid: null, restarts: null, memoryBytes: null, result: 'success' });
    // Not active: "since" is when it changed state.
    expect(state!.since).toBe('2026-11-25T18:02:11.000Z');
  });

  it('Given no socket, a refused authentication, or a systemd that never answers, When asked, Then it rejects saying why', async () => {
    await expect(busUnitStates(['cigar.service'], { socketPath: '/nonexistent/hms/private' })).rejects.toThrow(/ENOENT/);
    const refusing = await fakeSystemd({}, 'refuse');
    await expect(busUnitStates(['cigar.service'], { socketPath: refusing.socketPath })).rejects.toThrow(/refused the connection: REJECTED/);
    const silent = await fakeSystemd({ 'cigar.service': CIGAR }, 'silent');
    const started = Date.now();
    const hung = await busUnitStates(['cigar.service'], { socketPath: silent.socketPath, timeoutMs: 300 }).catch((e: unknown) => e);
    // Not a reason to try systemctl (showUnits answers 504): a systemd that hangs for one hangs for both.
    expect(hung).toBeInstanceOf(BusTimeout);
    expect((hung as Error).message).toBe('systemd did not answer within 0.3 s');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it.skipIf(existsSync('/run/systemd/private'))(
    "Given a host without systemd's socket, When showUnits runs with the real exec, " +
      'Then it falls back to systemctl (which fails here with its reason)',
    async () => {
      await expect(showUnits(exec, ['cigar.service'])).rejects.toMatchObject({ status: 502, message: /systemctl show/ });
    },
  );

  it("Given a unit's Environment (as) and EnvironmentFiles (a(sb)) and a timer, When asked, Then arrays and structs decode", async () => {
    const fake = await fakeSystemd({
      'cigar.service': {
        Id: ['s', 'cigar.service'],
        Environment: ['as', ['RAILS_ENV=production', 'GREETING=hello world', 'EMPTY=']],
        EnvironmentFiles: [
          'a(sb)',
          [
            ['/etc/hosting-api/env/cigar.env', true],
            ['/etc/x.env', false],
          ],
        ],
      },
      'bare.service': { Id: ['s', 'bare.service'], Environment: ['as', []], EnvironmentFiles: ['a(sb)', []] },
      'hms-backup.timer': { LoadState: ['s', 'loaded'], NextElapseUSecRealtime: ['t', 1_796_601_600_123_456n] },
    });
    const service = 'org.freedesktop.systemd1.Service';
    const propertiesOf = (unit: string): Array<[string, string]> =>
      unit.endsWith('.timer')
        ? [
            ['org.freedesktop.systemd1.Unit', 'LoadState'],
            ['org.freedesktop.systemd1.Timer', 'NextElapseUSecRealtime'],
          ]
        : [
            ['org.freedesktop.systemd1.Unit', 'Id'],
            [service, 'Environment'],
            [service, 'EnvironmentFiles'],
            [service, 'Nope'],
          ];
    const [cigar, bare, timer] = await busProperties(['cigar.service', 'bare.service', 'hms-backup.timer'], propertiesOf, {
      socketPath: fake.socketPath,
    });
    expect(Object.fromEntries(cigar!)).toEqual({
      Id: 'cigar.service',
      Environment: ['RAILS_ENV=production', 'GREETING=hello world', 'EMPTY='],
      EnvironmentFiles: [
        ['/etc/hosting-api/env/cigar.env', true],
        ['/etc/x.env', false],
      ],
      Nope: undefined,
    });
    expect(bare!.get('Environment')).toEqual([]);
    expect(bare!.get('EnvironmentFiles')).toEqual([]);
    expect(Object.fromEntries(timer!)).toEqual({ LoadState: 'loaded', NextElapseUSecRealtime: 1_796_601_600_123_456n });
    expect(fake.connections).toHaveLength(1);
  });

  it('Given unit names, When made object paths, Then all but letters (and digits after the first) are escaped as systemd does', () => {
    expect(unitObjectPath('hms-agent.service')).toBe('/org/freedesktop/systemd1/unit/hms_2dagent_2eservice');
    expect(unitObjectPath('1app@x_y.service')).toBe('/org/freedesktop/systemd1/unit/_31app_40x_5fy_2eservice');
  });
});

/**
 * The control center's connections with a server that accepts TCP and never speaks SSH
 * (a server dropping packets, as the handshake sees it): its connection fails after
 * connection.reachSeconds, not the SSH layer's 15 s, so its row says "unreachable" soon.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnreachableError } from '../../src/client/reach.js';
import { serverSchema, type Config } from '../../src/config/schema.js';
import { ServerConnections, planServers, prepareTui } from '../../tui/connections.js';
import { startSilentServer, type SilentServer } from '../support/silent-server.js';
import { testContext } from '../support/test-context.js';

let silent: SilentServer;

beforeAll(async () => {
  silent = await startSilentServer();
});

afterAll(async () => {
  await silent.stop();
});

describe('the control center reaching a silent server', () => {
  it('Given connection.reachSeconds 1, When its connection is asked for, Then it fails as unreachable after about 1 s', async () => {
    const quiet = serverSchema.parse({
      host: '127.0.0.1',
      port: silent.port,
      identityFile: silent.identityFile,
      knownHostsFile: silent.knownHostsFile,
    });
    const config = { servers: { quiet }, apps: {}, connection: { persist: false, idleMinutes: 10, reachSeconds: 1 } } as unknown as Config;
    const context = testContext({ config, env: { HMS_TOKEN: 'not-used' } });
    const connections = new ServerConnections(context, config, planServers(context, config));
    const started = Date.now();
    const error = await connections.get('quiet').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toBe('unreachable (timed out after 1 s)');
    await connections.closeAll(500);
  });

  /** A context naming one server that accepts TCP and never answers SSH (1 s reach wait, no holder). */
  const quietContext = () => {
    const quiet = serverSchema.parse({
      host: '127.0.0.1',
      port: silent.port,
      identityFile: silent.identityFile,
      knownHostsFile: silent.knownHostsFile,
    });
    const config = {
      servers: { quiet },
      apps: {},
      connection: { persist: false, idleMinutes: 10, reachSeconds: 1 },
    } as unknown as Config;
    return testContext({ config, env: { HMS_TOKEN: 'not-used' } });
  };

  it(
    'Given the control center starting, When prepared, Then each server is asked for its apps at once, ' +
      'and the first poll takes that answer (here: unreachable) once, then asks itself',
    async () => {
      const context = quietContext();
      const { plan, connections } = await prepareTui(context);
      expect(plan.names).toEqual(['quiet']);
      const early = connections.firstApps('quiet');
      expect(early).toBeInstanceOf(Promise);
      expect(connections.firstApps('quiet')).toBeUndefined();
      expect(await early!.catch((e: unknown) => e)).toBeInstanceOf(UnreachableError);
      await connections.closeAll(500);
    },
  );

  it(
    'Given the apps asked for at start, When the first frame waits for them, ' +
      'Then it waits no longer than its bound while they travel, and no longer than they take once they come (here: fail)',
    async () => {
      const context = quietContext();
      const { connections } = await prepareTui(context);
      let started = Date.now();
      await connections.prefetched(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(Date.now() - started).toBeLessThan(900);
      started = Date.now();
      await connections.prefetched(10_000);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(connections.arrivedApps('quiet')).toBeUndefined();
      await connections.closeAll(500);
    },
  );
});

/**
 * `--all` over SSH when servers cannot be reached: one that accepts TCP and never
 * speaks (what a server dropping packets looks like to the SSH handshake), and one
 * whose port is closed (a server that is down). Real sockets, real ssh2; the reachable
 * servers of a fleet are in tests/e2e/fleet.e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onServers } from '../../src/commands/each-server.js';
import { statusCommand } from '../../src/commands/status.js';
import { serverSchema, type Config } from '../../src/config/schema.js';
import { freePort } from '../support/agent-process.js';
import { startSilentServer, type SilentServer } from '../support/silent-server.js';
import { testContext } from '../support/test-context.js';

let silent: SilentServer;
let config: Config;

beforeAll(async () => {
  silent = await startSilentServer();
  const server = (port: number) =>
    serverSchema.parse({ host: '127.0.0.1', port, identityFile: silent.identityFile, knownHostsFile: silent.knownHostsFile });
  config = {
    servers: { quiet: server(silent.port), down: server(await freePort()) },
    apps: {},
    connection: { persist: false, idleMinutes: 10, reachSeconds: 1 },
  } as unknown as Config;
});

afterAll(async () => {
  await silent.stop();
});

const context = () => testContext({ config, flags: { all: true }, env: { HMS_TOKEN: 'not-used' } });

describe('--all with servers that do not answer', () => {
  it(
    'Given one server silent and one with its port closed, When --all runs, ' +
      'Then the closed one fails at once, the silent one after connection.reachSeconds (not the 15 s handshake), each with its own error',
    async () => {
      const started = Date.now();
      const finished: Record<string, number> = {};
      const results = await onServers(context(), async ({ name }) => {
        finished[name] = Date.now() - started;
        return name;
      });
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(950);
      expect(elapsed).toBeLessThan(4000);
      const byName = Object.fromEntries(results.map((r) => [r.server, r]));
      expect(byName.quiet).toMatchObject({ ok: false, unreachable: true, error: { message: 'unreachable (timed out after 1 s)' } });
      expect(byName.quiet!.error!.hint).toMatch(/quiet did not answer SSH in 1 s.*connection\.reachSeconds/);
      expect(byName.down).toMatchObject({ ok: false, error: { message: expect.stringMatching(/refused/) } });
      expect(byName.down!.unreachable).toBeUndefined();
      expect(finished).toEqual({});
    },
  );

  it('Given the same fleet, When `hms status --all` runs, Then each server has its line with the reason and a hint, exit 1', async () => {
    const output = await statusCommand.run(context());
    expect(output.exitCode).toBe(1);
    expect(output.human).toMatch(/^quiet: ✗ unreachable \(timed out after 1 s\)\n {2}quiet did not answer SSH in 1 s/m);
    expect(output.human).toMatch(/^down: ✗ SSH connection to \w+@127\.0\.0\.1:\d+ was refused\./m);
    expect(output.human.split('\n').at(-1)).toBe('2 servers: 0 answered; unreachable: quiet; failed: down');
    expect((output.data as Array<{ server: string; unreachable?: boolean }>).map((r) => [r.server, r.unreachable])).toEqual([
      ['quiet', true],
      ['down', undefined],
    ]);
  });
});

/**
 * A fleet of ten, as a user runs it: ten bare test servers booted at once and provisioned
 * by concurrent `hms full-deploy` from one hms.config.json (tests/support/fleet.ts; no
 * apps: nginx and the agent are what every server shows, which keeps the file's time to
 * the provisioning itself). Then `hms status --all`, `hms logs nginx:access --all -f`
 * with a marker request on each server, a server whose sshd is stopped (refused) and one
 * whose packets are dropped (nftables in its own namespace), and the control center in
 * tmux with the ten servers' rows and the unreachable one marked.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPackets, startFleet, withSshStopped, type Fleet } from '../support/fleet.js';
import { HMS_BIN } from '../support/run-hms.js';
import { holderRuntimeFor } from '../support/holders.js';
import { testServerSupport } from '../support/test-server.js';
import { startTmux, tmuxSupport, type Tmux } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';

const support = testServerSupport();
const terminal = tmuxSupport();
const COUNT = 10;

type StatusResult = {
  server: string;
  ok: boolean;
  unreachable?: boolean;
  error?: { message: string };
  data?: { apps: { name: string }[] };
};

describe.skipIf(!support.ok)('a fleet of ten servers', { timeout: 900_000 }, () => {
  let fleet: Fleet;
  let tmux: Tmux | undefined;
  const followers: Array<() => void> = [];

  const statusAll = async (): Promise<{ ms: number; code: number; results: StatusResult[] }> => {
    const started = Date.now();
    const run = await fleet.hms(['status', '--all', '--json']);
    return { ms: Date.now() - started, code: run.code, results: JSON.parse(run.stdout) };
  };

  /** `hms logs nginx:access --all -f` in the background, as a person leaves it running. */
  const follow = () => {
    const child = spawn(process.execPath, [HMS_BIN, 'logs', 'nginx:access', '--all', '-f', '-n', '0'], {
      cwd: fleet.dir,
      env: {
        PATH: process.env.PATH,
        HOME: fleet.dir,
        XDG_CONFIG_HOME: path.join(fleet.dir, '.xdg'),
        XDG_RUNTIME_DIR: holderRuntimeFor(fleet.dir),
        HMS_NO_KEYCHAIN: '1',
        HMS_TOKEN: fleet.token,
      },
    });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const stop = () => child.kill('SIGINT');
    followers.push(() => child.kill('SIGKILL'));
    return { out, exited, stop, printed: () => `stdout:\n${out.stdout}\nstderr:\n${out.stderr}` };
  };

  /** A request to each server's own nginx (its default site answers 444 and logs it to access.log). */
  const marker = (i: number) =>
    fleet.servers[i]!.exec(['curl', '-s', '-o', '/dev/null', `http://127.0.0.1/fleet-marker-${fleet.names[i]}`]);

  beforeAll(async () => {
    fleet = await startFleet(COUNT, 'hms-e2e-fleet-');
    const { bootMs, provisionMs } = fleet.timings;
    console.log(
      `[fleet] boot ${COUNT}: ${(bootMs / 1000).toFixed(1)} s; hms full-deploy ×${COUNT} at once: ${(provisionMs / 1000).toFixed(1)} s`,
    );
  });

  afterAll(async () => {
    for (const kill of followers) kill();
    await tmux?.kill();
    await fleet?.close();
  });

  it('Given ten provisioned servers, When `hms status --all --json` runs, Then each of the ten answers (nginx, the agent)', async () => {
    const { ms, code, results } = await statusAll();
    console.log(`[fleet] hms status --all --json, ten servers up: ${ms} ms`);
    expect(code).toBe(0);
    expect(results.map((r) => r.server)).toEqual(fleet.names);
    for (const result of results) {
      expect(result.ok).toBe(true);
      expect(result.data!.apps.map((app) => app.name)).toEqual(expect.arrayContaining(['nginx', 'agent']));
    }
  });

  it(
    'Given `hms logs nginx:access --all -f`, When a marker request is made on each server, ' +
      'Then all ten lines arrive, each prefixed by its server, and Ctrl-C ends it with 0',
    async () => {
      const follower = follow();
      const seen = (i: number) => new RegExp(`^${fleet.names[i]} *\\| .*fleet-marker-${fleet.names[i]}\\b`, 'm').test(follower.out.stdout);
      // The follows open a moment after start: request again on the servers not seen yet.
      await waitFor(
        async () => {
          const missing = fleet.names.map((_, i) => i).filter((i) => !seen(i));
          await Promise.all(missing.map(marker));
          return missing.length === 0;
        },
        follower.printed,
        60_000,
        1000,
      );
      follower.stop();
      expect(await follower.exited).toBe(0);
      expect(
        follower.out.stdout
          .trimEnd()
          .split('\n')
          .every((line) => /^s\d+ +\| /.test(line)),
      ).toBe(true);
    },
  );

  it('Given s9 with sshd stopped (port refused), When `hms status --all` runs, Then s9 fails at once and the nine answer', async () => {
    await withSshStopped(fleet.servers[8]!, async () => {
      const { ms, code, results } = await statusAll();
      console.log(`[fleet] hms status --all --json, s9 refused: ${ms} ms`);
      expect(code).toBe(1);
      expect(results.filter((r) => r.ok).map((r) => r.server)).toEqual(fleet.names.filter((name) => name !== 's9'));
      expect(results[8]!.error!.message).toMatch(/refused/);
      expect(ms).toBeLessThan(5000);
    });
  });

  it(
    'Given s10 dropping every packet, When `hms status --all` runs, ' +
      'Then the nine answer within the 5 s wait and s10 is "unreachable (timed out after 5 s)"',
    async () => {
      await dropPackets(fleet.servers[9]!);
      const { ms, code, results } = await statusAll();
      console.log(`[fleet] hms status --all --json, s10 dropping packets: ${ms} ms`);
      expect(code).toBe(1);
      expect(results.filter((r) => r.ok).map((r) => r.server)).toEqual(fleet.names.slice(0, 9));
      expect(results[9]).toMatchObject({
        server: 's10',
        ok: false,
        unreachable: true,
        error: { message: 'unreachable (timed out after 5 s)' },
      });
      expect(ms).toBeGreaterThanOrEqual(5000);
      expect(ms).toBeLessThan(9000);
    },
  );

  it('Given s10 still dropping, When `hms logs --all -f` runs, Then s10 is said once on stderr and the nine stream', async () => {
    const follower = follow();
    await waitFor(() => follower.out.stderr.includes('hms: s10: unreachable (timed out after 5 s)'), follower.printed, 30_000, 200);
    const seen = () => /^s1 +\| .*fleet-marker-s1\b/m.test(follower.out.stdout);
    await waitFor(async () => seen() || (await marker(0), false), follower.printed, 30_000, 1000);
    follower.stop();
    expect(await follower.exited).toBe(1);
    expect(follower.out.stderr.match(/hms: s10: /g)).toHaveLength(1);
  });

  it.skipIf(!terminal.ok)(
    'Given s10 still dropping, When `hms` opens in a terminal, Then the nine servers rows show and s10 is marked unreachable',
    async () => {
      tmux = await startTmux({
        cwd: fleet.dir,
        width: 160,
        height: 60,
        env: { HOME: fleet.dir, XDG_CONFIG_HOME: path.join(fleet.dir, '.xdg'), HMS_NO_KEYCHAIN: '1', HMS_TOKEN: fleet.token },
      });
      await tmux.run(`node ${HMS_BIN}`);
      const screen = await tmux.waitFor(
        (s) => s.includes('9/10 servers answer') && /s10: .*unreachable \(timed out after 5 s\)/.test(s),
        60_000,
      );
      for (const name of fleet.names.slice(0, 9)) expect(screen).toMatch(new RegExp(`│ ${name} +│ nginx`));
      expect(screen).toMatch(/✗ s10/);
      await tmux.keys('q');
    },
  );
});

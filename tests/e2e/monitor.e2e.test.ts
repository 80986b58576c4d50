/**
 * `hms monitor` as a user sees it: the built program in a real terminal (a private
 * tmux server, 160 x 48), read back as text. Once in LOCAL MODE (no config: the
 * in-process agent reports this machine), once through the SSH tunnel to the agent
 * in the disposable test server, where the sample apps run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsResponseSchema, type MetricsResponse } from '../../src/api/metrics.js';
import { formatBytes } from '../../src/core/format.js';
import { HMS_BIN, runHms } from '../support/run-hms.js';
import { testServerSupport } from '../support/test-server.js';
import { PROMPT, startTmux, type TmuxPane } from '../support/tmux-monitor.js';
import { laptopFolder, startAgentContext, type AgentContext } from './agent-context.js';

const MONITOR = `node ${HMS_BIN} monitor; echo "monitor exited $?"`;

/** Drawn, with numbers from the agent: the status line says when it last refreshed. */
const drawn = (screen: string): boolean => /● updated \d\d:\d\d:\d\d UTC/.test(screen) && screen.includes('APP ');

function expectDashboard(screen: string, metrics: MetricsResponse): void {
  const labels = ['─ CPU ', '─ Memory ', '─ Disks ', '─ Requests/min: ', '─ Apps ', '─ Log '];
  for (const label of labels) expect(screen).toContain(label);
  expect(screen).toMatch(new RegExp(`CPU \\d+(\\.\\d)?% of ${metrics.cpu.cores} cores`));
  expect(screen).toContain(` / ${formatBytes(metrics.memory.totalBytes)} (`);
  const disk = metrics.disks[0]!;
  // A gauge's label: `512.0M / 8.0G (6.3%)  / /var ...`
  expect(screen).toMatch(new RegExp(` / ${literal(formatBytes(disk.sizeBytes))} \\(\\d+(\\.\\d)?%\\)  ${literal(disk.path)} `));
  expect(screen).toMatch(/APP +STATE +MEMORY +RESTARTS +HEALTH/);
}

const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** q (or the given key) ends it: the normal screen and the shell come back, exit status 0. */
async function quitWith(pane: TmuxPane, ...keys: string[]): Promise<string> {
  await pane.press(...keys);
  const screen = await pane.waitFor('the shell after the monitor', (s) => /monitor exited \d+/.test(s), 15_000);
  expect(await pane.alternateScreen()).toBe(false);
  expect(screen).toContain('monitor exited 0');
  expect(screen.trimEnd().endsWith(PROMPT.trim())).toBe(true);
  return screen;
}

describe('hms monitor in local mode', () => {
  let dir: string;
  let pane: TmuxPane | undefined;
  let metrics: MetricsResponse;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-monitor-local-'));
    const env = { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: path.join(dir, '.xdg'), XDG_STATE_HOME: path.join(dir, '.state') };
    const run = await runHms(['metrics', '--json'], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    metrics = metricsResponseSchema.parse(JSON.parse(run.stdout));
    pane = await startTmux({ cwd: dir, env });
  });
  afterAll(async () => {
    await pane?.kill();
    if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 10 });
  });

  it(
    'Given no configuration, When `hms monitor` runs, ' +
      "Then the grid shows this machine's CPU, memory total, disks, the units and nginx's error log, and q gives the shell back",
    async () => {
      await pane!.type(MONITOR);
      const screen = await pane!.waitFor('the dashboard with numbers', drawn);
      expect(await pane!.alternateScreen()).toBe(true);
      expectDashboard(screen, metrics);
      expect(screen).toMatch(/│ *nginx +\S+ \S+/);
      expect(screen).toMatch(/│ *agent +\S+ \S+/);
      expect(screen).toContain('─ Log nginx:error (times UTC) ');
      expect(screen).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  hms: following nginx:error/);
      expect(screen).toMatch(/^local \(\S+\) ● updated/m);
      await quitWith(pane!, 'q');
    },
  );

  it('Given a running monitor, When Esc, then Ctrl-C, is pressed, Then each time the terminal is restored', async () => {
    for (const key of ['Escape', 'C-c']) {
      await pane!.type('clear');
      await pane!.type(MONITOR);
      await pane!.waitFor('the dashboard', drawn);
      await quitWith(pane!, key);
    }
  });

  it('Given a running monitor, When it gets SIGTERM, Then it restores the terminal and exits 0', async () => {
    await pane!.type('clear');
    await pane!.type(MONITOR);
    await pane!.waitFor('the dashboard', drawn);
    const [pid] = await pane!.programPids();
    process.kill(pid!, 'SIGTERM');
    await quitWith(pane!);
  });

  it(
    'Given a configured server where nothing answers, When `hms monitor` runs, ' +
      'Then the status line and the log panel say what is wrong and that it retries, and q still quits',
    async () => {
      const config = { servers: { down: { host: '127.0.0.1', publicUrl: 'https://127.0.0.1:9' } } };
      await writeFile(path.join(dir, 'down.json'), JSON.stringify(config));
      await pane!.type('clear');
      await pane!.type(`HMS_TOKEN=x node ${HMS_BIN} monitor --config down.json --via https; echo "monitor exited $?"`);
      const screen = await pane!.waitFor('the error in the status line', (s) =>
        /^down ✗ retrying in \d+ s · q quit · Cannot reach the agent on down via https/m.test(s),
      );
      expect(screen).toMatch(/hms: Cannot reach the agent on down via https \(ECONNREFUSED\)\. Check nginx and the public URL\./);
      await quitWith(pane!, 'q');
    },
  );
});

const support = testServerSupport();

describe.skipIf(!support.ok)('hms monitor against a real server through SSH', () => {
  let ctx: AgentContext;
  let dir: string;
  let pane: TmuxPane | undefined;

  beforeAll(async () => {
    ctx = await startAgentContext();
    dir = await laptopFolder(ctx, 'hms-monitor-e2e-', { apps: true });
    pane = await startTmux({
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: path.join(dir, '.xdg'), HMS_TOKEN: ctx.hosting.apiToken },
    });
  });
  afterAll(async () => {
    await pane?.kill();
    await ctx?.close();
    if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 10 });
  });

  it(
    "Given the server's config and token, When `hms monitor` runs, " +
      "Then the server's numbers, both apps and cigar's log are shown, and q gives the shell back",
    async () => {
      const metrics = metricsResponseSchema.parse((await ctx.api('GET', '/api/metrics')).json);
      await pane!.type(MONITOR);
      const screen = await pane!.waitFor('the dashboard with both apps', (s) => drawn(s) && s.includes('tobacco'), 60_000);
      expectDashboard(screen, metrics);
      expect(screen).toMatch(/│ *cigar +● active\/running/);
      expect(screen).toMatch(/│ *tobacco +● active\/running/);
      expect(screen).toContain('─ Log cigar:production (times UTC) ');
      expect(screen).toMatch(new RegExp(`^test \\(${metrics.hostname}\\) ● updated`, 'm'));
      await quitWith(pane!, 'q');
    },
  );
});

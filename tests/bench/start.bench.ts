/**
 * How fast `hms` starts, each figure against its floor in the same run:
 * `hms --version` and `hms status --help` against `node -e 0`; `hms status --json`
 * to its first connection (a loopback listener stands for the server: the time from
 * starting the process to the connection arriving is all start-up, no network); and
 * the control center's first frame and first live data against `hms --version`
 * (benchTuiFirstFrame, on the test server of tests/e2e/agent-context.ts).
 * `hms` runs through its shebang line, with the Node flags build.mjs gives it.
 * The commands are interleaved, so a busy machine slows each of them alike.
 *
 * Alone: `npm run build && npx tsx tests/bench/start.bench.ts`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exec } from '../../src/platform/exec.js';
import type { AgentContext } from '../e2e/agent-context.js';
import { HMS_BIN } from '../support/run-hms.js';
import { SHELL_PROMPT, startTmux, tableRow } from '../support/tmux.js';
import { median, row, sample, type Samples } from './measure.js';
import type { Figure } from './speed-table.js';

const ms = (s: Samples): number => median(s.ms);

/** `runs` rounds; in each, every task once, in turn. */
async function interleaved(tasks: Array<{ label: string; run: () => Promise<unknown> }>, runs: number): Promise<Samples[]> {
  const samples = tasks.map(({ label }) => ({ label, ms: [] as number[] }));
  for (const task of tasks) await task.run(); // warm the file cache
  for (let i = 0; i < runs; i += 1) {
    for (const [t, task] of tasks.entries()) {
      const started = process.hrtime.bigint();
      await task.run();
      samples[t]!.ms.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return samples;
}

async function ok(argv: string[], cwd: string): Promise<void> {
  const result = await exec(argv, { cwd, env: { PATH: process.env.PATH, HOME: cwd } });
  if (result.code !== 0) throw new Error(`${argv.join(' ')}: exit ${result.code}: ${result.stderr}`);
}

/**
 * `hms status --json --no-persist` against a configured server whose SSH port is a
 * loopback listener: the time from spawning hms to the connection arriving.
 */
async function timeToFirstConnection(dir: string): Promise<number> {
  let arrived: (() => void) | undefined;
  const server = createServer((socket) => {
    arrived?.();
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await writeFile(
    path.join(dir, 'hms.config.json'),
    JSON.stringify({ servers: { bench: { host: '127.0.0.1', port, identityFile: 'id', knownHostsFile: 'known_hosts' } } }),
  );
  try {
    const connected = new Promise<void>((resolve) => (arrived = resolve));
    const started = process.hrtime.bigint();
    const child = spawn(HMS_BIN, ['status', '--json', '--no-persist'], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir, HMS_TOKEN: 'bench-not-a-token' },
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const first = await Promise.race([connected.then(() => 'connected'), exited.then(() => 'exited')]);
    const took = Number(process.hrtime.bigint() - started) / 1e6;
    if (first !== 'connected') throw new Error('hms status exited without connecting');
    child.kill();
    await exited;
    return took;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

export async function benchStart(runs = 10): Promise<{ lines: string[]; figures: Figure[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-bench-start-'));
  try {
    const [node, version, help] = await interleaved(
      [
        { label: 'node -e 0', run: () => ok([process.execPath, '-e', '0'], dir) },
        { label: 'hms --version', run: () => ok([HMS_BIN, '--version'], dir) },
        { label: 'hms status --help', run: () => ok([HMS_BIN, 'status', '--help'], dir) },
      ],
      runs,
    );
    await exec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'id')]);
    await timeToFirstConnection(dir);
    const first: Samples = { label: 'hms status --json --no-persist: start to its first connection', ms: [] };
    for (let i = 0; i < runs; i += 1) first.ms.push(await timeToFirstConnection(dir));
    const vs = (s: Samples, goal: number): Figure => ({
      figure: s.label,
      baseline: 'node -e 0',
      value: `${ms(s).toFixed(0)} ms vs ${ms(node!).toFixed(0)} ms`,
      ratio: ms(s) / ms(node!),
      goal: `<= ${goal}x`,
      met: ms(s) / ms(node!) <= goal,
    });
    return {
      lines: [row(node!), row(version!), row(help!), row(first)],
      figures: [
        vs(version!, 1.5),
        vs(help!, 1.5),
        {
          figure: 'hms status --json to its first connection (no holder)',
          baseline: '-',
          value: `${ms(first).toFixed(0)} ms (node -e 0: ${ms(node!).toFixed(0)} ms)`,
          goal: '<= 120 ms',
          met: ms(first) <= 120,
        },
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}

const lastLine = (screen: string): string => screen.trimEnd().split('\n').at(-1) ?? '';

/**
 * The control center in tmux: from Enter to its first frame (the header line, drawn
 * before the TUI's code loads: tui/splash.ts), to the overview drawn by Ink, and, with
 * `ctx` (the test server with the sample apps), to the first live data (cigar's row
 * with its state), against `hms --version` in the same run. Without `ctx` the
 * configured server is a loopback listener that never answers: the first frame
 * must not wait for a connection. A warm connection holder, where there is one,
 * is used as `hms` uses it.
 */
export async function benchTuiFirstFrame(ctx?: AgentContext, runs = 5): Promise<{ lines: string[]; figures: Figure[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-bench-tui-start-'));
  const held = new Set<import('node:net').Socket>();
  const silent = createServer((socket) => {
    held.add(socket.on('error', () => undefined).on('close', () => held.delete(socket)));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const server = ctx
    ? { host: ctx.server.host, user: 'root', identityFile: 'id', knownHostsFile: 'known_hosts', agentPort: ctx.hosting.agentPort }
    : { host: '127.0.0.1', port: (silent.address() as { port: number }).port, identityFile: 'id', knownHostsFile: 'known_hosts' };
  if (ctx) {
    await exec(['cp', ctx.server.identityFile, path.join(dir, 'id')]);
    await exec(['cp', ctx.server.knownHostsFile, path.join(dir, 'known_hosts')]);
  } else await exec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'id')]);
  await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify({ servers: { test: server } }));
  const tmux = await startTmux({ cwd: dir, env: { HOME: dir, HMS_TOKEN: ctx?.hosting.apiToken ?? 'bench-not-a-token' } });
  const frame: Samples = { label: `hms: time to first frame (tmux${ctx ? ', SSH' : ', server silent'})`, ms: [] };
  const full: Samples = { label: 'hms: time to the overview drawn (Ink, before any data)', ms: [] };
  const data: Samples = { label: 'hms: time to first live data (cigar in the overview)', ms: [] };
  try {
    const floor = await sample('hms --version', runs, () => exec([HMS_BIN, '--version']));
    for (let i = 0; i < runs + 1; i += 1) {
      await tmux.run('clear');
      await tmux.waitFor((s) => lastLine(s) === SHELL_PROMPT.trim());
      await tmux.type(HMS_BIN);
      const started = Date.now();
      await tmux.keys('Enter');
      await tmux.waitFor((s) => /^ hms /m.test(s), 10_000, 5);
      // The first round warms the file cache and is not counted.
      if (i > 0) frame.ms.push(Date.now() - started);
      await tmux.waitFor((s) => /^Overview /m.test(s), 10_000, 5);
      if (i > 0) full.ms.push(Date.now() - started);
      if (ctx) {
        await tmux.waitFor((s) => tableRow(s, 'cigar')?.[2]?.startsWith('●') === true, 15_000, 5);
        if (i > 0) data.ms.push(Date.now() - started);
      }
      await tmux.keys('q');
      await tmux.waitFor((s) => lastLine(s) === SHELL_PROMPT.trim(), 15_000);
    }
    const within = (s: Samples, goal: number): Figure => ({
      figure: s.label,
      baseline: 'hms --version',
      value: `${ms(s).toFixed(0)} ms vs ${ms(floor).toFixed(0)} ms`,
      ratio: ms(s) / ms(floor),
      goal: `<= ${goal} ms`,
      met: ms(s) <= goal,
    });
    const figures = [within(frame, 300), ...(ctx ? [within(data, 500)] : [])];
    return { lines: [row(floor), row(frame), row(full), ...(ctx ? [row(data)] : [])], figures };
  } finally {
    await tmux.kill();
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { speedTable } = await import('./speed-table.js');
  const start = await benchStart();
  const tui = await benchTuiFirstFrame();
  for (const line of [...start.lines, ...tui.lines, '', ...speedTable([...start.figures, ...tui.figures])]) console.log(line);
}

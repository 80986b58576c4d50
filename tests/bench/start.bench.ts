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
import { HMS_BIN } from '../support/run-hms.js';
import { median, row, type Samples } from './measure.js';
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
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { speedTable } = await import('./speed-table.js');
  const { lines, figures } = await benchStart();
  for (const line of [...lines, '', ...speedTable(figures)]) console.log(line);
}

/**
 * A fleet of ten: ten bare test servers booted and provisioned through `hms full-deploy`
 * concurrently (tests/support/fleet.ts), then `hms status --all --json` (ten servers)
 * alternated with `hms status --json` (one of them) in the same run, each a new process
 * of the built CLI as a script runs it. Not wired into run.ts: it boots ten servers.
 */
import { dropPackets, startFleet, withSshStopped } from '../support/fleet.js';
import { median, percentile, type Samples } from './measure.js';
import type { Figure } from './speed-table.js';

const COUNT = 10;
const GOAL = 1.3;

export async function benchFleet(runs = 12): Promise<{ lines: string[]; figures: Figure[] }> {
  const fleet = await startFleet(COUNT, 'hms-bench-fleet-');
  try {
    const all: Samples = { label: `hms status --all --json, ${COUNT} servers`, ms: [] };
    const one: Samples = { label: 'hms status --json, one server', ms: [] };
    const timed = async (samples: Samples | undefined, args: string[], servers: number): Promise<void> => {
      const started = process.hrtime.bigint();
      const run = await fleet.hms(args);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (run.code !== 0) throw new Error(`hms ${args.join(' ')} failed (exit ${run.code}): ${run.stderr}`);
      const answered = [JSON.parse(run.stdout)].flat().length;
      if (answered !== servers) throw new Error(`hms ${args.join(' ')} answered for ${answered} servers, not ${servers}`);
      samples?.ms.push(ms);
    };
    // One warm-up each (the page cache, the holder where there is one), then alternate so drift hits both alike.
    await timed(undefined, ['status', '--all', '--json'], COUNT);
    await timed(undefined, ['status', '--json', '--server', 's1'], 1);
    for (let i = 0; i < runs; i += 1) {
      await timed(all, ['status', '--all', '--json'], COUNT);
      await timed(one, ['status', '--json', '--server', 's1'], 1);
    }
    const r = median(all.ms) / median(one.ms);
    // What one server that cannot be reached costs the others: refused (sshd stopped), then dropping packets.
    const once = async (args: string[]): Promise<number> => {
      const started = Date.now();
      await fleet.hms(args);
      return Date.now() - started;
    };
    const refused = await withSshStopped(fleet.servers[8]!, () => once(['status', '--all', '--json']));
    await dropPackets(fleet.servers[9]!);
    const dropping = await once(['status', '--all', '--json']);
    const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;
    const line = (s: Samples) => `${s.label.padEnd(44)} median ${ms(median(s.ms))}   p95 ${ms(percentile(s.ms, 95))}   (n=${s.ms.length})`;
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return {
      lines: [
        `boot ${COUNT} bare servers concurrently: ${seconds(fleet.timings.bootMs)}`,
        `hms full-deploy on ${COUNT} servers concurrently (no apps): ${seconds(fleet.timings.provisionMs)}`,
        line(all),
        line(one),
        `ratio ${r.toFixed(2)}x (goal <= ${GOAL}x)`,
        `hms status --all --json with s9 refusing SSH: ${refused} ms; with s10 dropping packets: ${dropping} ms (wait: 5 s)`,
      ],
      figures: [
        {
          figure: all.label,
          baseline: one.label,
          value: `${median(all.ms).toFixed(0)} ms vs ${median(one.ms).toFixed(0)} ms`,
          ratio: r,
          goal: `<= ${GOAL}x wall`,
          met: r <= GOAL,
        },
      ],
    };
  } finally {
    await fleet.close();
  }
}

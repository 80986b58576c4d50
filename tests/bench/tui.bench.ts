/**
 * The control center as a person meets it, under tmux, through the SSH tunnel to
 * the test server: time to the first frame and to the first live data, then a log
 * of 20,000 lines a second for 10 s followed in the log view: how far behind it is
 * at the end, lines lost (by the sequence numbers the TUI counted, HMS_TUI_STATS_FILE),
 * peak memory and CPU time of the hms process. `hms` is started the way people start
 * it: through its shebang line, with the Node flags build.mjs gives it.
 */
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentContext } from '../e2e/agent-context.js';
import { HMS_BIN } from '../support/run-hms.js';
import { SHELL_PROMPT, startTmux, tableRow, type Tmux } from '../support/tmux.js';
import { exec } from '../../src/platform/exec.js';
import { median, percentile, row, sample, type Samples } from './measure.js';

const RATE = 20_000;
const SECONDS = 10;
const CLOCK_TICKS = 100;

/** Appends `rate` Rails-style lines a second for `seconds` to `file`, in 10 ms slices; prints the last seq and when it was written. */
const WRITER = `
rate, seconds, file = Integer(ARGV[0]), Float(ARGV[1]), ARGV[2]
total = (rate * seconds).round
slice = rate / 100
pad = "x" * 60
out = File.open(file, "a")
start = Process.clock_gettime(Process::CLOCK_MONOTONIC)
seq = 0
while seq < total
  now = Time.now.utc.strftime("%Y-%m-%dT%H:%M:%S.%6N")
  buffer = +""
  [slice, total - seq].min.times { buffer << "I, [#{now} ##{Process.pid}]  INFO -- : bench seq=#{seq} #{pad}\\n"; seq += 1 }
  out.write(buffer)
  out.flush
  wait = start + (seq / slice) * 0.01 - Process.clock_gettime(Process::CLOCK_MONOTONIC)
  sleep(wait) if wait > 0
end
out.close
puts "#{seq - 1} #{(Time.now.to_f * 1000).round} #{((Process.clock_gettime(Process::CLOCK_MONOTONIC) - start) * 1000).round}"
`;

const lastLine = (screen: string): string => screen.trimEnd().split('\n').at(-1) ?? '';

async function procStats(pid: number): Promise<{ cpuSeconds: number; peakRssMb: number }> {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: (Number(stat[11]) + Number(stat[12])) / CLOCK_TICKS, peakRssMb: hwm / 1024 };
}

async function timeStartup(tmux: Tmux, runs: number): Promise<{ frame: Samples; data: Samples }> {
  const frame: Samples = { label: 'time to first frame (hms in tmux, SSH)', ms: [] };
  const data: Samples = { label: 'time to first live data (apps in the overview)', ms: [] };
  for (let i = 0; i < runs; i += 1) {
    await tmux.run('clear');
    await tmux.waitFor((s) => lastLine(s) === SHELL_PROMPT.trim());
    await tmux.type(HMS_BIN);
    const started = Date.now();
    await tmux.keys('Enter');
    await tmux.waitFor((s) => /^ hms /m.test(s), 10_000, 5);
    frame.ms.push(Date.now() - started);
    await tmux.waitFor((s) => tableRow(s, 'cigar')?.[2]?.startsWith('●') === true, 15_000, 5);
    data.ms.push(Date.now() - started);
    await tmux.keys('q');
    await tmux.waitFor((s) => lastLine(s) === SHELL_PROMPT.trim());
  }
  return { frame, data };
}

export async function benchTui(ctx: AgentContext, runs = 5): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-bench-tui-'));
  await copyFile(ctx.server.identityFile, path.join(dir, 'id_ed25519'));
  await copyFile(ctx.server.knownHostsFile, path.join(dir, 'known_hosts'));
  const server = {
    host: ctx.server.host,
    user: 'root',
    identityFile: 'id_ed25519',
    knownHostsFile: 'known_hosts',
    agentPort: ctx.hosting.agentPort,
  };
  await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify({ servers: { test: server } }));
  const statsFile = path.join(dir, 'tui-stats.json');
  const tmux = await startTmux({ cwd: dir, env: { HOME: dir, HMS_TOKEN: ctx.hosting.apiToken, HMS_TUI_STATS_FILE: statsFile } });
  try {
    // The floor under the first frame: starting node and the CLI, before the TUI loads.
    const floor = await sample('baseline: hms --version (node + the CLI, no TUI)', runs, () => exec([HMS_BIN, '--version']));
    const { frame, data } = await timeStartup(tmux, runs);
    const lines = [
      row(floor),
      row(frame),
      `${''.padEnd(56)} goal: 500 ms (p95 ${percentile(frame.ms, 95)} ms; ` +
        `${(median(frame.ms) - median(floor.ms)).toFixed(0)} ms above the baseline)`,
      row(data),
      `${''.padEnd(56)} goal: 1500 ms (p95 ${percentile(data.ms, 95)} ms)`,
    ];
    lines.push(...(await followStream(ctx, tmux, statsFile)));
    return lines;
  } finally {
    await tmux.kill();
  }
}

async function followStream(ctx: AgentContext, tmux: Tmux, statsFile: string): Promise<string[]> {
  await tmux.run('clear');
  await tmux.run(HMS_BIN);
  await tmux.waitFor((s) => tableRow(s, 'cigar') !== undefined);
  await tmux.keys('l');
  await tmux.waitFor(/Logs cigar on test/);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const pid = (await tmux.foregroundPid())!;
  const before = await procStats(pid);
  const total = RATE * SECONDS;
  const last = `seq=${total - 1} `;
  const writing = ctx.server.exec(['ruby', '-e', WRITER, String(RATE), String(SECONDS), '/var/www/cigar/shared/log/production.log'], {
    timeoutMs: 120_000,
  });
  let seenAt: number | undefined;
  const watching = tmux.waitFor((s) => s.includes(last), 120_000, 10).then(() => (seenAt = Date.now()));
  const written = await writing;
  if (written.code !== 0) throw new Error(`the log writer failed: ${written.stderr}`);
  const [, endMs, tookMs] = written.stdout.trim().split(' ').map(Number);
  await watching.catch(() => undefined);
  const after = await procStats(pid);
  await tmux.keys('q');
  await tmux.waitFor((s) => lastLine(s) === SHELL_PROMPT.trim(), 30_000);
  const stats = JSON.parse(await readFile(statsFile, 'utf8')) as {
    sources: Record<
      string,
      { received: number; droppedByAgent: number; seq?: { count: number; first: number; last: number; jumps: number } }
    >;
  };
  const source = stats.sources['cigar:production'];
  const seq = source?.seq;
  const missing = seq ? total - seq.count : total;
  const lag = seenAt === undefined ? 'never (the last line did not show)' : `${Math.max(0, seenAt - endMs!)} ms`;
  return [
    `log stream: ${RATE} lines/s for ${SECONDS} s (written in ${tookMs} ms) followed in the log view`,
    `  lag at the end (last line written -> on screen)        ${lag.padStart(10)}   (goal: <= 1000 ms)`,
    `  lines lost                                             ${String(missing).padStart(10)} of ${total}   (goal: 0; the agent ` +
      `reported ${source?.droppedByAgent ?? 0} skipped; seq ${seq?.first ?? '-'}..${seq?.last ?? '-'}, ${seq?.jumps ?? 0} jumps)`,
    `  peak RSS of hms (VmHWM)                                ${after.peakRssMb.toFixed(1).padStart(7)} MB   (goal: < 200 MB)`,
    `  CPU time of hms during the stream                      ${(after.cpuSeconds - before.cpuSeconds).toFixed(2).padStart(8)} ` +
      `s   (user + system, ${(((after.cpuSeconds - before.cpuSeconds) / (tookMs! / 1000)) * 100).toFixed(0)}% of one core)`,
  ];
}

/**
 * The control center as a person meets it, under tmux, through the SSH tunnel to
 * the test server: time to the first frame and to the first live data, then a log
 * of 20,000 lines a second for 10 s followed in the log view (benchTui), and the speed
 * table's figure at 50,000 lines a second (benchTuiFollowFigure): how far behind it is
 * (the last line on screen; each batch reaching the view's buffer, by the times in its
 * lines), lines lost (by the sequence numbers the TUI counted, HMS_TUI_STATS_FILE),
 * peak memory (VmHWM) and CPU time of the hms process, and the agent's CPU time.
 * `hms` is started the way people start it: through its shebang line, with the Node
 * flags build.mjs gives it (HMS_BENCH_COMMAND replaces that, e.g. to profile it).
 */
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentContext } from '../e2e/agent-context.js';
import { HMS_BIN } from '../support/run-hms.js';
import { SHELL_PROMPT, startTmux, tableRow, type Tmux } from '../support/tmux.js';
import { exec } from '../../src/platform/exec.js';
import { median, percentile, row, sample, type Samples } from './measure.js';
import type { Figure } from './speed-table.js';
import { CIGAR_LOG, writeNumberedLog } from '../support/numbered-log.js';

const RATE = 20_000;
const SECONDS = 10;
const CLOCK_TICKS = 100;

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

/** hms's home for the benchmark: a config naming the test server, its key, and the counters' file. */
async function tuiHome(ctx: AgentContext): Promise<{ tmux: Tmux; statsFile: string }> {
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
  return { tmux, statsFile };
}

export async function benchTui(ctx: AgentContext, runs = 5): Promise<string[]> {
  const { tmux, statsFile } = await tuiHome(ctx);
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

/** One follow run: what the TUI's counters and the hms process say about it. */
export interface FollowRun {
  rate: number;
  seconds: number;
  total: number;
  /** Sequence numbers that never reached the log view's buffer. */
  lost: number;
  /** Times the sequence was not the previous number + 1 (a gap or a repeat). */
  jumps: number;
  droppedByAgent: number;
  /** Last line written to on screen (ms); undefined when it never showed. */
  endLagMs: number | undefined;
  /** Each batch reaching the buffer: now minus its newest line's time (ms). */
  lagP95Ms: number | undefined;
  lagMaxMs: number | undefined;
  peakRssMb: number;
  cpuSeconds: number;
  /** CPU time of the agent (hms-agent.service's main process) during the stream. */
  agentCpuSeconds: number;
  writtenMs: number;
  /** The lag samples, in the order the batches came. */
  lagMs: number[];
}

/** user + system CPU seconds of the agent on the test server. */
async function agentCpu(ctx: AgentContext): Promise<number> {
  const script = 'pid=$(systemctl show -p MainPID --value hms-agent.service); cut -d" " -f14,15 /proc/$pid/stat';
  const { stdout } = await ctx.server.exec(['sh', '-c', script]);
  const [user, system] = stdout.trim().split(' ').map(Number);
  return (user! + system!) / CLOCK_TICKS;
}

/**
 * Starts hms in `tmux`, opens cigar's log view, writes `rate` lines a second for
 * `seconds` into cigar's production log (emptied first, so no earlier run's numbered
 * lines come with the backlog), and quits hms to read its counters.
 */
export async function followRun(ctx: AgentContext, tmux: Tmux, statsFile: string, rate: number, seconds: number): Promise<FollowRun> {
  await ctx.server.exec(['truncate', '-s', '0', CIGAR_LOG]);
  await tmux.run('clear');
  await tmux.run(process.env.HMS_BENCH_COMMAND ?? HMS_BIN);
  await tmux.waitFor((s) => tableRow(s, 'cigar') !== undefined, 20_000);
  await tmux.keys('l');
  await tmux.waitFor(/Logs cigar on test/);
  await tmux.waitFor(/● cigar:production/);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const pid = (await tmux.foregroundPid())!;
  const before = await procStats(pid);
  const agentBefore = await agentCpu(ctx);
  const total = rate * seconds;
  const last = `seq=${total - 1} `;
  const startedAt = Date.now();
  const writing = writeNumberedLog(ctx.server, CIGAR_LOG, rate, seconds);
  let seenAt: number | undefined;
  const watching = tmux.waitFor((s) => s.includes(last), 120_000, 10).then(() => (seenAt = Date.now()));
  const { endMs, writtenMs } = await writing;
  await watching.catch(() => undefined);
  const after = await procStats(pid);
  const agentAfter = await agentCpu(ctx);
  await tmux.keys('q');
  await tmux.waitFor((s) => lastLine(s) === SHELL_PROMPT.trim(), 30_000);
  const stats = JSON.parse(await readFile(statsFile, 'utf8')) as {
    sources: Record<string, { droppedByAgent: number; seq?: { count: number; first: number; last: number; jumps: number } }>;
    lagMs: Array<[number, number]>;
  };
  const source = stats.sources['cigar:production'];
  const seq = source?.seq;
  // Only this run's numbers: the log was emptied, so any seq seen is 0..total-1; and only batches
  // since writing began (the first carries the backlog of cigar's nginx log, old lines).
  const lagMs = stats.lagMs.filter(([at]) => at >= startedAt).map(([, lag]) => lag);
  return {
    rate,
    seconds,
    total,
    lost: seq && seq.first === 0 ? total - seq.count : total,
    jumps: seq?.jumps ?? 0,
    droppedByAgent: source?.droppedByAgent ?? 0,
    endLagMs: seenAt === undefined ? undefined : Math.max(0, seenAt - endMs),
    lagP95Ms: lagMs.length > 0 ? percentile(lagMs, 95) : undefined,
    lagMaxMs: lagMs.length > 0 ? Math.max(...lagMs) : undefined,
    peakRssMb: after.peakRssMb,
    cpuSeconds: after.cpuSeconds - before.cpuSeconds,
    agentCpuSeconds: agentAfter - agentBefore,
    writtenMs,
    lagMs,
  };
}

export function describeRun(run: FollowRun): string[] {
  const lag = run.endLagMs === undefined ? 'never (the last line did not show)' : `${run.endLagMs} ms`;
  return [
    `log stream: ${run.rate} lines/s for ${run.seconds} s (written in ${run.writtenMs} ms) followed in the log view`,
    `  lag at the end (last line written -> on screen)        ${lag.padStart(10)}   (goal: <= 1000 ms)`,
    `  lag p95 / max (newest line of each batch -> buffer)    ${String(run.lagP95Ms ?? '-').padStart(7)} ms / ${run.lagMaxMs ?? '-'} ms`,
    `  lines lost                                             ${String(run.lost).padStart(10)} of ${run.total}   (goal: 0; the agent ` +
      `reported ${run.droppedByAgent} skipped; ${run.jumps} jumps in the sequence)`,
    `  peak RSS of hms (VmHWM)                                ${run.peakRssMb.toFixed(1).padStart(7)} MB   (goal: <= 150 MB)`,
    `  CPU time of hms during the stream                      ${run.cpuSeconds.toFixed(2).padStart(8)} ` +
      `s   (user + system, ${((run.cpuSeconds / (run.writtenMs / 1000)) * 100).toFixed(0)}% of one core)`,
    `  CPU time of the agent during the stream                ${run.agentCpuSeconds.toFixed(2).padStart(8)} ` +
      `s   (${((run.agentCpuSeconds / (run.writtenMs / 1000)) * 100).toFixed(0)}% of one core)`,
  ];
}

async function followStream(ctx: AgentContext, tmux: Tmux, statsFile: string): Promise<string[]> {
  return describeRun(await followRun(ctx, tmux, statsFile, RATE, SECONDS));
}

/** One follow run at `rate` for `seconds` in a hms of its own. */
export async function followRunAlone(ctx: AgentContext, rate: number, seconds: number): Promise<FollowRun> {
  const { tmux, statsFile } = await tuiHome(ctx);
  try {
    return await followRun(ctx, tmux, statsFile, rate, seconds);
  } finally {
    await tmux.kill();
  }
}

export const FOLLOW_FIGURE = { rate: 50_000, seconds: 10, lagGoalMs: 1000, rssGoalMb: 150 } as const;

/** The speed table's row: 50,000 lines a second for 10 s in the log view, none lost, lag p95 and peak RSS of hms within the goals. */
export function followFigure(run: FollowRun): Figure {
  const lag = run.lagP95Ms === undefined || run.endLagMs === undefined ? undefined : Math.max(run.lagP95Ms, run.endLagMs);
  return {
    figure: `TUI follow ${run.rate.toLocaleString('en')} lines/s for ${run.seconds} s`,
    baseline: '-',
    value:
      `${run.lost.toLocaleString('en')} lost of ${run.total.toLocaleString('en')}, ` +
      `lag p95 ${lag === undefined ? 'never caught up' : `${(lag / 1000).toFixed(1)} s`}, RSS ${run.peakRssMb.toFixed(0)} MB`,
    goal: `0 lost, lag <= ${FOLLOW_FIGURE.lagGoalMs / 1000} s, RSS <= ${FOLLOW_FIGURE.rssGoalMb} MB`,
    met:
      run.lost === 0 && run.jumps === 0 && lag !== undefined && lag <= FOLLOW_FIGURE.lagGoalMs && run.peakRssMb <= FOLLOW_FIGURE.rssGoalMb,
  };
}

/** The follow at 50,000 lines a second, as lines for the report and as the speed table's figure. */
export async function benchTuiFollowFigure(ctx: AgentContext): Promise<{ lines: string[]; figures: Figure[] }> {
  const run = await followRunAlone(ctx, FOLLOW_FIGURE.rate, FOLLOW_FIGURE.seconds);
  return { lines: describeRun(run), figures: [followFigure(run)] };
}

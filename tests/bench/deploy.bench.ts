/**
 * Deploys under load: `clients` (default 50) concurrent clients ask for the Rails
 * app's page through nginx, from this host, for the whole of a deploy (phased
 * restart), a plain reload and a rollback, all run by the built `hms` through the
 * SSH tunnel on a disposable Debian server of its own. Counts the failed requests
 * (5xx, connection errors, timeouts: goal 0) and times the rollback until every
 * answer comes from the old release (goal < 10 s).
 *
 * Alone: `node build.mjs && npx tsx tests/bench/deploy.bench.ts [clients]`.
 */
import { pathToFileURL } from 'node:url';
import { testServerSupport, type TestServer } from '../support/test-server.js';
import { waitUntil } from '../support/wait-for.js';
import { startDeployContext, type DeployContext } from '../e2e/deploy-context.js';
import { CHANGES, commitChange, must } from '../e2e/deploy-server.js';
import { settledAfter, startLoad, summarize, type Answer, type LoadReport } from '../e2e/page-load.js';
import { percentile } from './measure.js';

const ROLLBACK_GOAL_MS = 10_000;

interface Phase {
  label: string;
  from: number;
  to: number;
}

/**
 * Waits until puma's latest phase (a start or a phased restart) has every worker
 * booted, from its own log, so that each measured action starts from a settled app.
 */
async function untilPhaseBooted(server: TestServer, workers = 2, timeoutMs = 120_000): Promise<void> {
  const booted = async (): Promise<boolean> => {
    const lines = (await must(server, ['tail', '-n', '200', '/var/www/cigar/shared/log/puma.stdout.log'])).split('\n');
    const start = lines.map((line) => /=== puma startup|Starting phased worker restart/.test(line)).lastIndexOf(true);
    return start >= 0 && lines.slice(start).filter((line) => / booted in /.test(line)).length >= workers;
  };
  if (!(await waitUntil(booted, timeoutMs, 200))) throw new Error(`puma's workers not all booted after ${timeoutMs} ms`);
}

async function hmsOk(ctx: DeployContext, args: string[]): Promise<string> {
  const run = await ctx.hms(args);
  if (run.code !== 0) throw new Error(`hms ${args.join(' ')} failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

function phaseLine(phase: Phase, report: LoadReport): string {
  const ms = report.answers.filter((a) => !a.error).map((a) => a.ms);
  const latency = ms.length ? `p50 ${percentile(ms, 50)} ms, p99 ${percentile(ms, 99)} ms` : 'no answers';
  const statuses = Object.entries(report.byStatus)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
  const errors = Object.keys(report.errors).length ? `; errors ${JSON.stringify(report.errors)}` : '';
  return (
    `${phase.label.padEnd(40)} ${(report.durationMs / 1000).toFixed(1).padStart(6)} s  ${String(report.requests).padStart(6)} ` +
    `requests (${report.requestsPerSecond}/s)  failed ${report.failed}  [${statuses}]  ${latency}${errors}`
  );
}

export async function benchDeploy(options: { clients?: number } = {}): Promise<string[]> {
  const clients = options.clients ?? 50;
  const ctx = await startDeployContext();
  try {
    await hmsOk(ctx, ['deploy', 'cigar', '--reason', 'bench: release one']);
    await untilPhaseBooted(ctx.server);
    await commitChange(ctx.server, CHANGES.two, 'two');
    const load = startLoad({ host: ctx.server.host, site: 'cigar.test', clients, timeoutMs: 30_000 });
    const phases: Phase[] = [];
    const timed = async (label: string, action: () => Promise<unknown>) => {
      const from = load.now();
      await action();
      phases.push({ label, from, to: load.now() });
    };
    let answers: readonly Answer[] = [];
    let rollbackFrom = 0;
    try {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      phases.push({ label: 'steady (release one, 2 s)', from: 0, to: load.now() });
      await timed('deploy release two (hms deploy)', () => hmsOk(ctx, ['deploy', 'cigar', '--reason', 'bench: release two']));
      await timed('  its last worker booting', () => untilPhaseBooted(ctx.server));
      await timed('reload: phased restart (hms reload)', async () => {
        await hmsOk(ctx, ['reload', 'cigar']);
        await untilPhaseBooted(ctx.server);
      });
      rollbackFrom = load.now();
      await timed('rollback to release one (hms rollback)', () => hmsOk(ctx, ['rollback', 'cigar', '--yes']));
      await timed('  its last worker booting', () => untilPhaseBooted(ctx.server));
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      answers = (await load.stop()).answers;
    }
    const whole = summarize(answers, 0, answers.at(-1)?.at ?? 0);
    const settled = settledAfter(answers, rollbackFrom, 'one');
    const firstOld = answers.find((a) => a.at >= rollbackFrom && a.release === 'one');
    const boots = (
      await must(ctx.server, ['sh', '-c', "grep -E 'booted in|Starting phased' /var/www/cigar/shared/log/puma.stdout.log | tail -n 4"])
    )
      .trim()
      .split('\n');
    return [
      `${clients} concurrent clients through nginx, Rails 6.1 on puma 5.6 (2 workers), test server with ${ctx.server.name}`,
      ...phases.map((phase) => phaseLine(phase, summarize(answers, phase.from, phase.to))),
      phaseLine({ label: 'whole run', from: 0, to: whole.durationMs }, whole),
      `failed requests over the whole run: ${whole.failed} (goal: 0)`,
      `rollback: every answer from release one ${settled === null ? 'never' : `${(settled / 1000).toFixed(1)} s`} ` +
        `after \`hms rollback\` started (goal: < ${ROLLBACK_GOAL_MS / 1000} s); ` +
        `the first one after ${firstOld ? `${((firstOld.at - rollbackFrom) / 1000).toFixed(1)} s` : 'never'}`,
      ...boots.map((line) => `  puma (rollback): ${line}`),
    ];
  } finally {
    await ctx.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const support = testServerSupport();
  if (!support.ok) {
    console.error(`bench: cannot start a test server: ${support.reason}`);
    process.exitCode = 1;
  } else {
    console.log('\n== Deploy, reload and rollback of a Rails app under load');
    for (const line of await benchDeploy({ clients: Number(process.argv[2] ?? 50) })) console.log(line);
  }
}

/**
 * Alerts on one server provisioned and deployed through hms alone (tests/e2e/alerts-context.ts):
 * cigar with the watcher at its default looks (every 5 s; the slower facts every 60 s),
 * a signed webhook to a receiver on the host side of the veth.
 *
 * 1. From `systemctl kill --signal=SIGKILL cigar.service` (a crash) to the "opened"
 *    webhook received, n runs (goal: median under 10 s). Each run waits for the
 *    "resolved" first, and kills are at least 13 s apart: the unit's StartLimitBurst=5
 *    in 60 s would otherwise make systemd give up on it.
 * 2. The agent's CPU while idle, watcher on vs off in the same run: its PID's utime +
 *    stime ticks from /proc over 60 s each, as % of one core (goal: on under 1%).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import type { AlertPayload } from '../../src/api/alerts.js';
import { waitFor, waitUntil } from '../support/wait-for.js';
import { type AlertsLaptop, startAlertsLaptop } from '../e2e/alerts-context.js';
import { killUnit, unitState } from '../e2e/alerts-faults.js';
import { median, percentile, type Samples } from './measure.js';

const RUNS = 8;
const KILL_GOAL_MS = 10_000;
const CPU_GOAL_PERCENT = 1;
const CPU_WINDOW_MS = 60_000;
/** systemd refuses a 6th start within 60 s (StartLimitBurst=5): one kill per 13 s at most. */
const KILL_SPACING_MS = 13_000;
const AGENT_CONFIG = '/etc/hosting-api/agent.json';
/** The watcher's default look interval (alerts.intervalSeconds). */
const LOOK_MS = 5_000;

/** The defaults, but no cooldown (each run is a new incident to tell) and a short "stable" before resolving. */
const benchConfig = (url: string) => ({
  cooldownMinutes: 0,
  rules: { unit: { stableSeconds: 5 } },
  channels: { hook: { type: 'webhook', url } },
});

const isUnitCigar = (payload: AlertPayload) => payload.incident?.rule === 'unit' && payload.incident.subject.startsWith('cigar');

async function killToWebhook(laptop: AlertsLaptop, runs: number): Promise<Samples> {
  const samples: Samples = { label: 'systemctl kill -> "opened" webhook received', ms: [] };
  let lastKill = 0;
  for (let i = 0; i < runs; i += 1) {
    // A random phase against the watcher's 5 s looks, so the runs sample the whole cycle, not one point of it.
    const spacing = KILL_SPACING_MS + Math.random() * LOOK_MS;
    await waitUntil(() => Date.now() - lastKill >= spacing, spacing + 1000, 100);
    const state = await unitState(laptop.server, 'cigar.service');
    if (state.active !== 'active') throw new Error(`cigar.service is not active before run ${i + 1}: ${JSON.stringify(state)}`);
    const seen = laptop.receiver.accepted().length;
    lastKill = Date.now();
    await killUnit(laptop.server, 'cigar.service');
    await laptop.receiver.waitFor(
      `run ${i + 1}: the "opened" webhook after the kill`,
      (accepted) => accepted.slice(seen).some((r) => r.payload.event === 'opened' && isUnitCigar(r.payload)),
      60_000,
    );
    const opened = laptop.receiver
      .accepted()
      .slice(seen)
      .find((r) => r.payload.event === 'opened' && isUnitCigar(r.payload))!;
    samples.ms.push(opened.receivedAt - lastKill);
    const id = opened.payload.incident!.id;
    await laptop.receiver.waitFor(
      `run ${i + 1}: the "resolved" webhook once cigar is back`,
      (accepted) => accepted.some((r) => r.payload.event === 'resolved' && r.payload.incident?.id === id),
      90_000,
    );
  }
  return samples;
}

async function sh(laptop: AlertsLaptop, script: string): Promise<string> {
  const run = await laptop.server.exec(['sh', '-ec', script], { timeoutMs: 60_000 });
  if (run.code !== 0) throw new Error(`test server: ${script}\n${run.stderr}${run.stdout}`);
  return run.stdout.trim();
}

/** The agent's CPU over `windowMs` of idling, as % of one core, read from /proc/<MainPID>/stat. */
async function agentCpu(laptop: AlertsLaptop, windowMs: number): Promise<number> {
  const ticks = async () => {
    const out = await sh(
      laptop,
      'pid=$(systemctl show -p MainPID --value hms-agent.service); cut -d" " -f14,15 /proc/$pid/stat; echo $pid',
    );
    const [times, pid] = out.split('\n');
    const [utime, stime] = (times ?? '').split(' ').map(Number);
    return { ticks: utime! + stime!, pid, at: Date.now() };
  };
  const hz = Number(await sh(laptop, 'getconf CLK_TCK'));
  const start = await ticks();
  await waitUntil(() => Date.now() - start.at >= windowMs, windowMs + 1000, 500);
  const end = await ticks();
  if (end.pid !== start.pid) throw new Error(`the agent restarted while measured (${start.pid} -> ${end.pid})`);
  return ((end.ticks - start.ticks) / hz / ((end.at - start.at) / 1000)) * 100;
}

/** Sets agent.json's alerts.enabled (written whole, then renamed) and restarts the agent; waits for it to answer. */
async function watcher(laptop: AlertsLaptop, enabled: boolean): Promise<void> {
  const edit =
    `const fs=require('fs');const c=JSON.parse(fs.readFileSync('${AGENT_CONFIG}','utf8'));` +
    `c.alerts={...c.alerts,enabled:${enabled}};fs.writeFileSync('${AGENT_CONFIG}.new',JSON.stringify(c,null,2),{mode:0o600});` +
    `fs.renameSync('${AGENT_CONFIG}.new','${AGENT_CONFIG}')`;
  await sh(laptop, `node -e "${edit}" && systemctl restart hms-agent`);
  let last = '';
  await waitFor(
    async () => {
      const run = await laptop.hms(['alerts', '--json']);
      last = run.stdout + run.stderr;
      if (run.code > 1 || !run.stdout.trim().startsWith('{')) return false;
      const overview = JSON.parse(run.stdout) as { enabled: boolean; checkedAt: string | null };
      return overview.enabled === enabled && (!enabled || overview.checkedAt !== null);
    },
    () => `the agent answering with the watcher ${enabled ? 'on' : 'off'}: ${last.slice(0, 500)}`,
    60_000,
    1000,
  );
}

export async function benchAlerts(runs = RUNS): Promise<string[]> {
  const laptop = await startAlertsLaptop('hms-bench-alerts-', { alerts: benchConfig, mail: false });
  try {
    const kill = await killToWebhook(laptop, runs);
    // Idle: no requests, no faults; the agent restarted for each, the first 10 s after its start left out.
    const settle = () => sleep(10_000);
    await watcher(laptop, true);
    await settle();
    const on = await agentCpu(laptop, CPU_WINDOW_MS);
    await watcher(laptop, false);
    await settle();
    const off = await agentCpu(laptop, CPU_WINDOW_MS);
    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
    return [
      `${kill.label.padEnd(56)} median ${(median(kill.ms) / 1000).toFixed(2).padStart(6)} s   ` +
        `p95 ${(percentile(kill.ms, 95) / 1000).toFixed(2).padStart(6)} s   (n=${kill.ms.length}; goal: median < 10 s, ` +
        `${met(median(kill.ms) < KILL_GOAL_MS)})`,
      `${'  each run, s'.padEnd(56)} ${kill.ms.map((ms) => (ms / 1000).toFixed(2)).join(' ')}`,
      `${'agent CPU idle, watcher on (60 s, % of one core)'.padEnd(56)} ${on.toFixed(3).padStart(8)} %   ` +
        `(goal: < ${CPU_GOAL_PERCENT}%, ${met(on < CPU_GOAL_PERCENT)})`,
      `${'agent CPU idle, watcher off (60 s, % of one core)'.padEnd(56)} ${off.toFixed(3).padStart(8)} %`,
      `${'watcher on / off'.padEnd(56)} ${off > 0 ? `${(on / off).toFixed(2)}x` : 'n/a (off: not one CPU tick in 60 s)'}; ` +
        `the watcher adds ${(on - off).toFixed(3)} % of one core`,
    ];
  } finally {
    await laptop.close();
  }
}

/** `npx tsx tests/bench/alerts.bench.ts`: this bench alone (after `npm run build`). */
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve('tests/bench/alerts.bench.ts')) {
  for (const line of await benchAlerts()) console.log(line);
}

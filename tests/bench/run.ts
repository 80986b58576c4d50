/**
 * `npm run bench`: every benchmark against a named baseline in the same run,
 * printed as ratios, ending with the speed table (each figure, its baseline, the
 * ratio and the goal). `npm run bench -- speed` measures the speed table alone.
 * Needs what the e2e suites need (root, systemd-nspawn).
 */
import { startTestServer, testServerSupport } from '../support/test-server.js';
import { benchAgentApps } from './agent.bench.js';
import { benchAgentIdleRss, benchAgentRssFigure } from './agent-rss.bench.js';
import { benchLogGrep } from './grep.bench.js';
import { benchSsh } from './ssh.bench.js';
import { addFillerApps, FILLER_APPS, hostingOn } from './agent-server.js';
import { benchHolder } from './holder.bench.js';
import { benchStart, benchTuiFirstFrame } from './start.bench.js';
import { benchFleet } from './fleet.bench.js';
import { benchTuiFollowFigure } from './tui.bench.js';
import { type Figure, speedTable } from './speed-table.js';
import { benchTui } from './tui.bench.js';
import { benchDeploy } from './deploy.bench.js';
import { benchBackup } from './backup.bench.js';
import { benchCerts } from './certs.bench.js';
import { benchConsole } from './console.bench.js';
import { benchAlerts } from './alerts.bench.js';
import { startAgentContext } from '../e2e/agent-context.js';
import { SAMPLE_APPS } from '../support/server-kit.js';
import { stopTestHolders } from '../support/holders.js';

/** Prints a part's lines and keeps its figures for the speed table. */
function report(figures: Figure[], part: { lines: string[]; figures: Figure[] }): void {
  for (const line of part.lines) console.log(line);
  figures.push(...part.figures);
}

async function main(onlySpeed: boolean): Promise<void> {
  const support = testServerSupport();
  if (!support.ok) {
    console.error(`bench: cannot start a test server: ${support.reason}`);
    process.exitCode = 1;
    return;
  }
  const figures: Figure[] = [];
  console.log('\n== Start of the process: hms --version and hms status --help vs node -e 0');
  report(figures, await benchStart());
  // The apt cache lets the agent benchmarks install nginx, puma and Node 18 on it.
  const server = await startTestServer({ aptCache: true });
  try {
    const hosting = await hostingOn(server);
    const units = [...SAMPLE_APPS, ...FILLER_APPS].map((app) => `${app}.service`).concat('nginx.service', 'hms-agent.service');
    if (!onlySpeed) {
      console.log(`\n== SSH (test server ${server.name}, boot to ssh ${server.timings.bootToSshMs} ms)`);
      for (const line of await benchSsh(server)) console.log(line);
      console.log('\n== Agent: GET /api/apps, 20 apps (test server, Node 18 under systemd)');
      for (const line of await benchAgentApps(server)) console.log(line);
    } else await addFillerApps(server);
    console.log('\n== hms status --json (a new process each time): holder warm, no holder, vs OpenSSH and its ControlMaster');
    report(figures, await benchHolder(server, hosting, units));
    console.log('\n== Agent: idle RSS under systemd (Debian 12, Node 18) vs a bare node -e beside it');
    report(figures, await benchAgentRssFigure(server));
    if (!onlySpeed) for (const line of await benchAgentIdleRss(server)) console.log(line);
    if (!onlySpeed) {
      console.log('\n== Agent: log grep throughput, 1 GB nginx access log (this host)');
      for (const line of await benchLogGrep()) console.log(line);
    }
  } finally {
    await server.stop();
  }
  // The TUI on a server of its own: the two sample apps, nothing else running there.
  const ctx = await startAgentContext();
  try {
    if (!onlySpeed) {
      console.log(`\n== TUI through SSH (test server ${ctx.server.name})`);
      for (const line of await benchTui(ctx)) console.log(line);
    }
    console.log('\n== TUI: first frame and first live data, holder warm, vs hms --version');
    report(figures, await benchTuiFirstFrame(ctx));
    console.log('\n== TUI: following a log written at 50,000 lines a second for 10 s');
    report(figures, await benchTuiFollowFigure(ctx));
  } finally {
    await ctx.close();
  }
  console.log('\n== A fleet of ten: ten bare servers provisioned through hms, status --all vs one server');
  report(figures, await benchFleet());
  console.log('\n== Speed table');
  for (const line of speedTable(figures)) console.log(line);
  if (onlySpeed) return;
  console.log('\n== Deploys under load: 50 clients through nginx during deploy, reload and rollback');
  for (const line of await benchDeploy({ clients: 50 })) console.log(line);
  console.log('\n== Database backups: ~1 GB of table data, hms backup vs bare pg_dump (a server of its own)');
  for (const line of await benchBackup()) console.log(line);
  console.log('\n== Certificates: a bare server to every site on a pebble-signed certificate, and a forced renewal');
  for (const line of await benchCerts()) console.log(line);
  console.log('\n== Rails console: hms console cigar vs ssh -t bin/rails console, to the first prompt (a deployed server of its own)');
  for (const line of await benchConsole()) console.log(line);
  console.log('\n== Alerts: an app killed to the webhook received, and the agent idle with the watcher on vs off (a server of its own)');
  for (const line of await benchAlerts()) console.log(line);
}

try {
  await main(process.argv.slice(2).includes('speed'));
} finally {
  // The holders the benchmarks' hms runs started (their runtime folders were recorded): none outlives the run.
  await stopTestHolders();
}

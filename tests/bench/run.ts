/**
 * `npm run bench`: every benchmark against a named baseline in the same run,
 * printed as ratios. Needs what the e2e suites need (root, systemd-nspawn).
 */
import { startTestServer, testServerSupport } from '../support/test-server.js';
import { benchAgentApps } from './agent.bench.js';
import { benchAgentIdleRss } from './agent-rss.bench.js';
import { benchLogGrep } from './grep.bench.js';
import { benchSsh } from './ssh.bench.js';
import { FILLER_APPS, hostingOn } from './agent-server.js';
import { benchStatus } from './status.bench.js';
import { benchTui } from './tui.bench.js';
import { benchStart, benchTuiFirstFrame } from './start.bench.js';
import { speedTable } from './speed-table.js';
import { benchDeploy } from './deploy.bench.js';
import { benchBackup } from './backup.bench.js';
import { benchCerts } from './certs.bench.js';
import { benchConsole } from './console.bench.js';
import { benchAlerts } from './alerts.bench.js';
import { startAgentContext } from '../e2e/agent-context.js';
import { SAMPLE_APPS } from '../support/server-kit.js';

async function main(): Promise<void> {
  const support = testServerSupport();
  if (!support.ok) {
    console.error(`bench: cannot start a test server: ${support.reason}`);
    process.exitCode = 1;
    return;
  }
  console.log('\n== Start-up: hms --version, hms status --help vs node -e 0; hms status to its first connection');
  const start = await benchStart();
  for (const line of [...start.lines, '', ...speedTable(start.figures)]) console.log(line);
  // The apt cache lets the agent benchmarks install nginx, puma and Node 18 on it.
  const server = await startTestServer({ aptCache: true });
  try {
    console.log(`\n== SSH (test server ${server.name}, boot to ssh ${server.timings.bootToSshMs} ms)`);
    for (const line of await benchSsh(server)) console.log(line);
    console.log('\n== Agent: GET /api/apps, 20 apps (test server, Node 18 under systemd)');
    for (const line of await benchAgentApps(server)) console.log(line);
    console.log('\n== hms status --json (a new process each time) vs OpenSSH, same server, same units');
    const units = [...SAMPLE_APPS, ...FILLER_APPS].map((app) => `${app}.service`).concat('nginx.service', 'hms-agent.service');
    for (const line of await benchStatus(server, await hostingOn(server), units)) console.log(line);
    console.log('\n== Agent: idle RSS');
    for (const line of await benchAgentIdleRss(server)) console.log(line);
    console.log('\n== Agent: log grep throughput, 1 GB nginx access log (this host)');
    for (const line of await benchLogGrep()) console.log(line);
  } finally {
    await server.stop();
  }
  // The TUI on a server of its own: the two sample apps, nothing else running there.
  const ctx = await startAgentContext();
  try {
    console.log(`\n== TUI through SSH (test server ${ctx.server.name})`);
    const firstFrame = await benchTuiFirstFrame(ctx);
    for (const line of [...firstFrame.lines, '', ...speedTable(firstFrame.figures)]) console.log(line);
    for (const line of await benchTui(ctx)) console.log(line);
  } finally {
    await ctx.close();
  }
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

await main();

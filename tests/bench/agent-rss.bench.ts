/**
 * Idle RSS of the bundled agent.
 *
 * benchAgentIdleRss: 2 s after a start, on this host (`node dist/hms-agent.mjs`) and on
 * the test server (Debian's Node 18 under systemd).
 *
 * benchAgentRssFigure: the figure the issue states, on the test server only: the agent
 * as provisioning runs it (its unit, Debian's Node 18 under systemd), measured idle after
 * a realistic warm-up (a few API requests, then 60 s in which the alerts watcher makes
 * its looks), against a bare `node -e` idling under systemd on the same server for the
 * same time. n runs of each, medians.
 */
import type { TestServer } from '../support/test-server.js';
import { startLocalAgent } from '../support/agent-process.js';
import { API_TOKEN, AGENT_PORT } from '../support/server-kit.js';
import { hostingOn, mustExec, restartAgent } from './agent-server.js';
import { median } from './measure.js';
import type { Figure } from './speed-table.js';

const GOAL_MB = 50;
const MB = 1024 * 1024;
const IDLE_MS = 60_000;
const BARE_UNIT = 'hms-bench-bare-node.service';
const idle = (ms = 2000) => new Promise((resolve) => setTimeout(resolve, ms));
const line = (label: string, bytes: number) =>
  `${label.padEnd(56)} ${(bytes / MB).toFixed(1).padStart(8)} MB   (goal: <= ${GOAL_MB} MB, ${bytes / MB <= GOAL_MB ? 'met' : 'NOT met'})`;

/** VmRSS in bytes of a unit's main process on the server. */
async function unitRss(server: TestServer, unit: string): Promise<number> {
  const status = await mustExec(server, ['sh', '-c', `cat /proc/$(systemctl show -p MainPID --value ${unit})/status`]);
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for ${unit} on the test server:\n${status}`);
  return Number(kb) * 1024;
}

export async function benchAgentIdleRss(server: TestServer): Promise<string[]> {
  const local = await startLocalAgent();
  let hostRss: number;
  try {
    await idle();
    hostRss = await local.memory('VmRSS');
  } finally {
    await local.stop();
  }

  await hostingOn(server);
  await restartAgent(server);
  await idle();
  const node = await mustExec(server, ['node', '--version']);
  return [
    line(`idle RSS, this host (node ${process.version})`, hostRss),
    line(`idle RSS, test server under systemd (node ${node.trim()})`, await unitRss(server, 'hms-agent.service')),
  ];
}

/** The requests a laptop makes when it connects: the apps, one app, the incidents, health. */
async function warmUp(server: TestServer, app: string): Promise<void> {
  const routes = ['/api/health', '/api/apps', `/api/apps/${app}`, '/api/alerts', '/api/apps'];
  const curl = (route: string) => `curl -fsS -o /dev/null -H 'authorization: Bearer ${API_TOKEN}' http://127.0.0.1:${AGENT_PORT}${route}`;
  await mustExec(server, ['sh', '-c', routes.map(curl).join(' && ')]);
}

/** One run: the agent restarted and warmed up, a bare node started beside it; both read after IDLE_MS. */
async function oneRun(server: TestServer, app: string): Promise<{ agent: number; bare: number }> {
  await restartAgent(server);
  await warmUp(server, app);
  await mustExec(server, ['systemd-run', `--unit=${BARE_UNIT}`, '--quiet', '/usr/bin/node', '-e', 'setInterval(() => {}, 1000)']);
  try {
    await idle(IDLE_MS);
    return { agent: await unitRss(server, 'hms-agent.service'), bare: await unitRss(server, BARE_UNIT) };
  } finally {
    await server.exec(['systemctl', 'stop', BARE_UNIT]);
  }
}

export async function benchAgentRssFigure(server: TestServer, runs = 3): Promise<{ lines: string[]; figures: Figure[] }> {
  const hosting = await hostingOn(server);
  const node = (await mustExec(server, ['node', '--version'])).trim();
  const agent: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const run = await oneRun(server, hosting.apps[0]!);
    agent.push(run.agent / MB);
    bare.push(run.bare / MB);
  }
  const mb = (values: number[]) => values.map((v) => v.toFixed(1)).join(', ');
  const [agentMb, bareMb] = [median(agent), median(bare)];
  const met = agentMb <= GOAL_MB;
  return {
    lines: [
      `agent idle RSS (node ${node}, systemd, ${IDLE_MS / 1000} s after warm-up): ${mb(agent)} MB; ` +
        `median ${agentMb.toFixed(1)} MB (n=${runs})`,
      `bare node -e idle RSS (same server, same time):  ${mb(bare)} MB; median ${bareMb.toFixed(1)} MB (n=${runs})`,
    ],
    figures: [
      {
        figure: 'agent idle RSS, Node 18 under systemd',
        baseline: 'bare node -e idle on the same server',
        value: `${agentMb.toFixed(1)} MB (bare ${bareMb.toFixed(1)} MB)`,
        ratio: agentMb / bareMb,
        goal: `<= ${GOAL_MB} MB`,
        met,
      },
    ],
  };
}

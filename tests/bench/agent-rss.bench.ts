/**
 * Idle RSS of the bundled agent after 2 s without requests: on this host
 * (`node dist/hms-agent.mjs`, this host's Node) and on the test server (Debian's
 * Node 18 under systemd, with the config the server has: 20 apps once the apps
 * benchmark ran, else the two sample apps).
 */
import type { TestServer } from '../support/test-server.js';
import { startLocalAgent } from '../support/agent-process.js';
import { hostingOn, mustExec, restartAgent } from './agent-server.js';

const GOAL_MB = 60;
const MB = 1024 * 1024;
const idle = () => new Promise((resolve) => setTimeout(resolve, 2000));
const line = (label: string, bytes: number) =>
  `${label.padEnd(56)} ${(bytes / MB).toFixed(1).padStart(8)} MB   (goal: < ${GOAL_MB} MB, ${bytes / MB < GOAL_MB ? 'met' : 'NOT met'})`;

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
  const [node, status] = await Promise.all([
    mustExec(server, ['node', '--version']),
    mustExec(server, ['sh', '-c', 'cat /proc/$(systemctl show -p MainPID --value hms-agent.service)/status']),
  ]);
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for hms-agent on the test server:\n${status}`);
  return [
    line(`idle RSS, this host (node ${process.version})`, hostRss),
    line(`idle RSS, test server under systemd (node ${node.trim()})`, Number(kb) * 1024),
  ];
}

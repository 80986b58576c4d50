/**
 * GET /api/apps for 20 apps (2 puma apps + 18 `sleep infinity` units, plus nginx
 * and the agent: 22 units) on the test server: through the SSH tunnel the laptop
 * uses, and inside the server with curl (the agent's own time, no tunnel). Baselines
 * in the same run: OpenSSH `ssh host systemctl show <the same 22 units>`, and that
 * systemctl show timed inside the server.
 */
import { request } from 'undici';
import { exec } from '../../src/platform/exec.js';
import { tunnelDispatcher } from '../../src/client/tunnel-dispatcher.js';
import { SshPool } from '../../src/ssh/pool.js';
import type { SshTarget } from '../../src/ssh/target.js';
import { showArgv } from '../../server/services/apps/index.js';
import { AGENT_PORT } from '../support/server-kit.js';
import type { TestServer } from '../support/test-server.js';
import { addFillerApps, hostingOn, mustExec } from './agent-server.js';
import { median, ratio, row, sample, type Samples } from './measure.js';

const GOAL_MS = 30;

/** Runs `command` `runs` times inside the server, each timed by the shell loop; one exec for all. */
async function insideServer(server: TestServer, label: string, runs: number, command: string): Promise<Samples> {
  const script =
    `for i in $(seq ${runs}); do s=$(date +%s%N); ${command} >/dev/null || exit 1; ` + `e=$(date +%s%N); echo $(( (e - s) / 1000 )); done`;
  const out = await mustExec(server, ['sh', '-c', script]);
  return {
    label,
    ms: out
      .trim()
      .split('\n')
      .map((us) => Number(us) / 1000),
  };
}

/**
 * curl's own time_total for each of `runs` requests made inside the server. `gap` (a shell
 * command, e.g. `sleep 1.1`) runs before each: the agent's unit snapshot lives 1 s, so
 * requests back to back measure the shared snapshot and spaced ones the question to systemd.
 */
async function curlInside(server: TestServer, label: string, runs: number, token: string, route = '/api/apps', gap = ''): Promise<Samples> {
  const curl = `curl -fsS -o /dev/null -w '%{time_total}\\n' -H 'authorization: Bearer ${token}' http://127.0.0.1:${AGENT_PORT}${route}`;
  await mustExec(server, ['sh', '-c', curl]); // warm-up
  const out = await mustExec(server, ['sh', '-c', `for i in $(seq ${runs}); do ${gap ? `${gap}; ` : ''}${curl} || exit 1; done`]);
  return {
    label,
    ms: out
      .trim()
      .split('\n')
      .map((seconds) => Number(seconds) * 1000),
  };
}

/** The agent's CPU (its own, and its children's: systemctl) in ms, from /proc/PID/stat (clock ticks of 10 ms). */
async function agentCpuMs(server: TestServer): Promise<{ self: number; children: number }> {
  const stat = await mustExec(server, ['sh', '-c', 'cat /proc/$(systemctl show -p MainPID --value hms-agent.service)/stat']);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = (index: number) => Number(fields[index]) * 10;
  return { self: ticks(11) + ticks(12), children: ticks(13) + ticks(14) };
}

/**
 * The agent's CPU per request with a snapshot expired each time (requests 1.1 s apart), less
 * what the idle agent spends in the same time (its watchers), measured right after.
 */
async function cpuPerColdRequest(server: TestServer, token: string, runs: number): Promise<string> {
  const before = await agentCpuMs(server);
  await curlInside(server, 'cold', runs, token, '/api/apps', 'sleep 1.1');
  const middle = await agentCpuMs(server);
  await mustExec(server, ['sleep', String(1.1 * (runs + 1))]);
  const after = await agentCpuMs(server);
  const per = (key: 'self' | 'children') => ((middle[key] - before[key] - (after[key] - middle[key])) / (runs + 1)).toFixed(1);
  return `agent CPU per GET /api/apps, snapshot expired (idle CPU subtracted)  ${per('self')} ms own + ${per('children')} ms children`;
}

/** The agent's CPU per warm request of `route` (back to back: the idle watchers' share is negligible), own + children. */
async function cpuPerWarmRequest(server: TestServer, token: string, route: string, runs: number): Promise<string> {
  const before = await agentCpuMs(server);
  await curlInside(server, 'warm', runs, token, route);
  const after = await agentCpuMs(server);
  const per = (key: 'self' | 'children') => ((after[key] - before[key]) / (runs + 1)).toFixed(1);
  return `agent CPU per GET ${route}, warm, n=${runs}`.padEnd(72) + `${per('self')} ms own + ${per('children')} ms children`;
}

export async function benchAgentApps(server: TestServer, runs = 50): Promise<string[]> {
  const hosting = await hostingOn(server);
  const units = await addFillerApps(server);
  const target: SshTarget = {
    host: server.host,
    port: 22,
    user: 'root',
    identityFile: server.identityFile,
    knownHostsFile: server.knownHostsFile,
    label: 'bench',
  };
  const pool = new SshPool();
  const dispatcher = tunnelDispatcher(() => pool.get(target), hosting.agentPort);
  try {
    const getApps = async (): Promise<number> => {
      const response = await request('http://agent/api/apps', { dispatcher, headers: { authorization: `Bearer ${hosting.apiToken}` } });
      const body = (await response.body.json()) as { apps: unknown[] };
      if (response.statusCode !== 200) throw new Error(`GET /api/apps answered ${response.statusCode}`);
      return body.apps.length;
    };
    const listed = await getApps();
    if (listed !== units.length) throw new Error(`GET /api/apps listed ${listed} items, expected ${units.length}`);
    const tunnel = await sample(`GET /api/apps via SSH tunnel (${units.length} units)`, runs, getApps);
    const direct = await curlInside(server, 'GET /api/apps by curl inside the server', runs, hosting.apiToken);
    const cold = await curlInside(
      server,
      'GET /api/apps, 1.1 s apart (snapshot expired), inside',
      20,
      hosting.apiToken,
      '/api/apps',
      'sleep 1.1',
    );
    const cpu = await cpuPerColdRequest(server, hosting.apiToken, 20);
    // One unit, no health probe: what a request costs the agent beyond the 22-unit snapshot.
    const one = await curlInside(server, 'GET /api/apps/filler01 (1 unit) by curl inside', runs, hosting.apiToken, '/api/apps/filler01');
    // What `hms status` asks next to /api/apps: every app's environment and the backup timer.
    const backups = await curlInside(
      server,
      'GET /api/backups (20 apps, the timer) by curl inside',
      runs,
      hosting.apiToken,
      '/api/backups',
    );
    const backupsCpu = await cpuPerWarmRequest(server, hosting.apiToken, '/api/backups', runs);

    const show = showArgv(units)
      .map((arg) => `'${arg}'`)
      .join(' ');
    const systemctl = await insideServer(server, 'systemctl show <22 units> inside the server', runs, show);
    const sshArgs = [
      '-i',
      server.identityFile,
      '-o',
      `UserKnownHostsFile=${server.knownHostsFile}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'ControlMaster=no',
      `root@${server.host}`,
    ];
    const openssh = await sample('OpenSSH `ssh host systemctl show <22 units>`', 20, async () => {
      const result = await exec(['ssh', ...sshArgs, ...showArgv(units)]);
      if (result.code !== 0) throw new Error(`ssh systemctl show failed: ${result.stderr}`);
    });
    const verdict = (samples: Samples) => (median(samples.ms) <= GOAL_MS ? 'met' : 'NOT met');
    return [
      row(tunnel),
      row(direct),
      row(cold),
      cpu,
      row(one),
      row(backups),
      backupsCpu,
      row(systemctl),
      row(openssh),
      `goal: median <= ${GOAL_MS} ms — through the tunnel ${verdict(tunnel)}, inside the server ${verdict(direct)}`,
      `tunnel overhead (tunnel median - curl median inside)    ${(median(tunnel.ms) - median(direct.ms)).toFixed(1)} ms`,
      ratio('GET /api/apps via tunnel vs OpenSSH systemctl show', tunnel, openssh),
    ];
  } finally {
    await dispatcher.close();
    await pool.closeAll();
  }
}

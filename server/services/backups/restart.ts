/**
 * The app restarted onto its (restored) database and checked: `systemctl restart`, then
 * its health probe polled until it answers 2xx or the deadline passes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentDeps } from '../../env.js';
import { appProbe, probeHttp, showUnits } from '../apps/index.js';
import { lastLines } from './database.js';

const HEALTH_DEADLINE_MS = 60_000;
const POLL_MS = 250;

export async function restartHealthy(deps: AgentDeps, app: string, deadlineMs = HEALTH_DEADLINE_MS): Promise<string> {
  const agentApp = deps.config.apps[app]!;
  const restarted = await deps.exec(['systemctl', 'restart', '--', agentApp.unit], { timeoutMs: 120_000 });
  if (restarted.code !== 0) throw new Error(`systemctl restart ${agentApp.unit} failed: ${lastLines(restarted.stderr)}`);
  const probe = appProbe(agentApp);
  const until = Date.now() + deadlineMs;
  let last = 'not checked yet';
  for (;;) {
    const [state] = await showUnits(deps.exec, [agentApp.unit]);
    if (state?.activeState === 'active') {
      if (!probe) return `${agentApp.unit} restarted and active (no health probe configured)`;
      const health = await probeHttp(probe);
      if (health.ok) return `${agentApp.unit} restarted; ${probe.path} answers ${health.status} in ${health.ms} ms`;
      last = `${probe.path}: ${health.status ?? health.error}`;
    } else last = `${agentApp.unit} is ${state?.activeState ?? 'unknown'}`;
    if (Date.now() >= until) throw new Error(`${app} is not healthy after the restore: ${last}`);
    await sleep(POLL_MS);
  }
}

/**
 * Maintenance mode of one app: a flag file, <maintenanceDir>/<app>, that the app's nginx
 * site tests on each request (`if (-f ...)`), answering 503 with Retry-After while it
 * is there. No reload, no other site touched: the hosting site and the other apps keep
 * serving. Only the agent writes the folder (root's, 0755, so nginx can look); the app
 * name is a configured one before it gets here.
 */
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentDeps } from '../../env.js';

export const maintenanceFlag = (deps: AgentDeps, app: string): string => path.join(deps.config.maintenanceDir, app);

/** Puts the app in maintenance; the flag says who and why, for whoever finds it. */
export async function maintenanceOn(deps: AgentDeps, app: string, why: string): Promise<void> {
  await mkdir(deps.config.maintenanceDir, { recursive: true, mode: 0o755 });
  await writeFile(maintenanceFlag(deps, app), `${deps.clock().toISOString()} ${why}\n`, { mode: 0o644 });
}

export async function maintenanceOff(deps: AgentDeps, app: string): Promise<void> {
  await rm(maintenanceFlag(deps, app), { force: true });
}

export async function inMaintenance(deps: AgentDeps, app: string): Promise<boolean> {
  return stat(maintenanceFlag(deps, app)).then(
    () => true,
    () => false,
  );
}

/**
 * At the agent's start: flags a restore left when the agent stopped mid-swap (killed, a
 * crash). The swap itself is one transaction, so the live database is whole either way.
 */
export async function clearLeftMaintenance(deps: AgentDeps): Promise<void> {
  const left = await readdir(deps.config.maintenanceDir).catch(() => [] as string[]);
  for (const app of left.filter((name) => Object.hasOwn(deps.config.apps, name))) {
    await maintenanceOff(deps, app);
    await deps.audit.record({
      actor: 'hms-agent',
      action: 'backup.restore',
      target: app,
      result: 'ok',
      detail: 'maintenance ended at the agent start: the restore that began it had stopped with the agent',
    });
  }
}

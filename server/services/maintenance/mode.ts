/**
 * `hms maintenance on|off <app>`: the maintenance someone asks for, with the message
 * the app's 503 page shows; kept until someone turns it off (a restore meanwhile leaves
 * it on, the agent's restart does not end it). Audited both ways.
 */
import type { MaintenanceRequest, MaintenanceState } from '../../../src/api/apps.js';
import type { AgentDeps } from '../../env.js';
import { allowed } from '../../errors.js';
import { maintenanceOff, maintenanceOn, readMaintenance } from './flag.js';

export async function maintenanceState(deps: AgentDeps, app: string): Promise<MaintenanceState> {
  allowed('app', app, deps.config.apps);
  const flag = await readMaintenance(deps, app);
  return flag ? { app, on: true, ...flag } : { app, on: false };
}

export async function setMaintenance(deps: AgentDeps, app: string, request: MaintenanceRequest, actor: string): Promise<MaintenanceState> {
  allowed('app', app, deps.config.apps);
  const before = await readMaintenance(deps, app);
  if (request.on) {
    const why = request.message ? `maintenance: ${request.message}` : 'maintenance';
    await maintenanceOn(deps, app, { kind: 'manual', by: actor, why, ...(request.message ? { message: request.message } : {}) });
  } else {
    await maintenanceOff(deps, app);
  }
  const detail = request.on
    ? `on${before ? ` (was on since ${before.at}, by ${before.by})` : ''}${request.message ? `: ${request.message}` : ''}`
    : before
      ? `off (on since ${before.at}, by ${before.by})`
      : 'off (it was not on)';
  await deps.audit.record({ actor, action: 'app.maintenance', target: app, result: 'ok', detail });
  return maintenanceState(deps, app);
}

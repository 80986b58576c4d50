import { Hono } from 'hono';
import { maintenanceRequestSchema } from '../../src/api/apps.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { getApp, listApps, runAppAction } from '../services/apps/index.js';
import { maintenanceState, setMaintenance } from '../services/maintenance/index.js';
import { jsonBody } from './json-body.js';

/**
 * /api/apps: the configured apps plus `nginx` and `agent` (shapes in src/api/apps.ts).
 *   GET  /api/apps                 -> AppsResponse
 *   GET  /api/apps/:name           -> AppResponse (404 names the known apps)
 *   POST /api/apps/:name/:action   -> AppActionResponse; action: start|stop|restart|reload
 *   GET  /api/apps/:name/maintenance        -> MaintenanceState
 *   PUT  /api/apps/:name/maintenance {on, message?} -> MaintenanceState (audited)
 * Names and actions are looked up in allow-lists; anything else is a 404.
 */
export function appsApi(deps: AgentDeps): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();
  app.get('/', async (c) => c.json(await listApps({ deps })));
  app.get('/:name', async (c) => c.json(await getApp({ deps, name: c.req.param('name') })));
  app.get('/:name/maintenance', async (c) => c.json(await maintenanceState(deps, c.req.param('name'))));
  app.put('/:name/maintenance', async (c) => {
    const body = await jsonBody(c, maintenanceRequestSchema, { example: '{"on": true, "message": "Back at 14:00 UTC."}' });
    return c.json(await setMaintenance(deps, c.req.param('name'), body, c.get('actor').name));
  });
  app.post('/:name/:action', async (c) =>
    c.json(await runAppAction({ deps, name: c.req.param('name'), action: c.req.param('action'), actor: c.get('actor').name })),
  );
  return app;
}

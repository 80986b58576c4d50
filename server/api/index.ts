import { Hono } from 'hono';
import type { AgentDeps, AgentEnv } from '../env.js';
import { agentApi } from './agent.js';
import { alertsApi } from './alerts.js';
import { appsApi } from './apps.js';
import { backupsApi } from './backups.js';
import { configsApi } from './configs.js';
import { deploysApi } from './deploys.js';
import { logsApi } from './logs.js';
import { metricsApi } from './metrics.js';
import { schedulesApi } from './schedules.js';
import { scriptsApi } from './scripts.js';
import { listCertificates } from '../services/certificates/index.js';

/** The JSON API, one sub-app per resource. */
export function apiRoutes(deps: AgentDeps): Hono<AgentEnv> {
  const api = new Hono<AgentEnv>();
  api.route('/apps', appsApi(deps));
  api.route('/agent', agentApi(deps));
  api.route('/logs', logsApi(deps));
  api.route('/configs', configsApi(deps));
  api.route('/scripts', scriptsApi(deps));
  api.route('/metrics', metricsApi(deps));
  api.route('/deploys', deploysApi(deps));
  api.route('/backups', backupsApi(deps));
  api.route('/schedules', schedulesApi(deps));
  api.route('/alerts', alertsApi(deps));
  api.get('/audit', async (c) => {
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 100) || 100, 1), 1000);
    return c.json({ entries: await deps.audit.recent(limit) });
  });
  api.get('/certificates', async (c) => c.json({ certificates: await listCertificates(deps) }));
  api.get('/whoami', (c) => c.json({ actor: c.get('actor').name, via: c.get('actor').via, version: deps.version }));
  return api;
}

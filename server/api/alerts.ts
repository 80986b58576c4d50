/**
 * /api/alerts: the incidents watcher (shapes in src/api/alerts.ts).
 *   GET    /                 AlertsResponse
 *   POST   /test             { channel? } -> AlertTestResponse (after each channel's first attempt; audited)
 *   POST   /mutes            { target, minutes } -> { mute } (a rule or an app; others 400; audited)
 *   DELETE /mutes/:target    -> { removed } (audited)
 * Without a watcher (an agent that does not serve, local mode) every route answers 503.
 */
import { Hono } from 'hono';
import { alertTestRequestSchema, muteRequestSchema } from '../../src/api/alerts.js';
import type { AgentDeps, AgentEnv, AlertsService } from '../env.js';
import { ApiError } from '../errors.js';
import { jsonBody } from './json-body.js';

export function alertsApi(deps: AgentDeps): Hono<AgentEnv> {
  const api = new Hono<AgentEnv>();
  const alerts = (): AlertsService => {
    if (deps.alerts) return deps.alerts;
    throw new ApiError(503, 'The incidents watcher is not running in this agent: it runs in hms-agent.service on a server.', {
      hint:
        'Local mode (no server in hms.config.json) has no watcher: add a server and run `hms full-deploy` on it. ' +
        'A server whose agent answers this: restart it with `hms restart agent`.',
    });
  };
  api.get('/', async (c) => c.json(await alerts().overview()));
  api.post('/test', async (c) => {
    const service = alerts();
    const { channel } = await jsonBody(c, alertTestRequestSchema, { emptyAsObject: true, example: '{"channel":"ops"}' });
    return c.json(await service.test(c.get('actor').name, channel));
  });
  api.post('/mutes', async (c) => {
    const service = alerts();
    const { target, minutes } = await jsonBody(c, muteRequestSchema, { example: '{"target":"disk","minutes":120}' });
    return c.json({ mute: await service.mute(c.get('actor').name, target, minutes) });
  });
  api.delete('/mutes/:target', async (c) => {
    const service = alerts();
    return c.json({ removed: await service.unmute(c.get('actor').name, c.req.param('target')) });
  });
  return api;
}

import { Hono } from 'hono';
import { releaseIdSchema, uploadReleaseSchema } from '../../src/api/agent.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { activateAgentRelease, listAgentReleases, stageAgentRelease } from '../services/agent/index.js';

/**
 * /api/agent: the agent's own releases.
 *   GET  /api/agent/releases                 -> AgentReleases (current, running, kept, last update)
 *   POST /api/agent/releases                 {version, files} -> {release, created} (stages, does not switch)
 *   POST /api/agent/releases/:id/activate    -> 202 {release, from, unit}: switch, restart, health-check, roll back on failure
 */
export function agentApi(deps: AgentDeps): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();
  app.get('/releases', async (c) => c.json(await listAgentReleases(deps)));
  app.post('/releases', async (c) => {
    const parsed = uploadReleaseSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success)
      throw new ApiError(400, `Invalid release upload: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    return c.json(await stageAgentRelease(deps, parsed.data, c.get('actor').name));
  });
  app.post('/releases/:id/activate', async (c) => {
    const id = releaseIdSchema.safeParse(c.req.param('id'));
    if (!id.success) throw new ApiError(404, 'Unknown release.', { hint: 'GET /api/agent/releases lists them.' });
    return c.json(await activateAgentRelease(deps, id.data, c.get('actor').name), 202);
  });
  return app;
}

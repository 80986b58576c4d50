import { Hono } from 'hono';
import { metricsQuerySchema } from '../../src/api/metrics.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { collectMetrics, CpuSampler } from '../services/metrics/index.js';

/**
 * /api/metrics (shapes in src/api/metrics.ts).
 *   GET /api/metrics?minutes=15 -> MetricsResponse; minutes: nginx window, 1..180
 * CPU use is the delta against the previous call when it was recent, so a monitor
 * polling every few seconds sees the load between its polls.
 */
export function metricsApi(deps: AgentDeps, options: { procDir?: string } = {}): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();
  const cpu = new CpuSampler(options.procDir);
  app.get('/', async (c) => {
    const query = metricsQuerySchema.safeParse({ minutes: c.req.query('minutes') });
    if (!query.success)
      throw new ApiError(400, query.error.issues.map((issue) => issue.message).join('; '), {
        hint: 'Pass ?minutes= a whole number from 1 to 180.',
      });
    return c.json(await collectMetrics({ deps, cpu, minutes: query.data.minutes, procDir: options.procDir }));
  });
  return app;
}

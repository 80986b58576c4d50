import { Hono } from 'hono';
import type { AgentDeps, AgentEnv } from '../env.js';

/** /api/metrics — to be filled in. */
export function metricsApi(_deps: AgentDeps): Hono<AgentEnv> {
  return new Hono<AgentEnv>();
}

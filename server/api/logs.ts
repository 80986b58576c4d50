import { Hono } from 'hono';
import type { AgentDeps, AgentEnv } from '../env.js';

/** /api/logs — to be filled in. */
export function logsApi(_deps: AgentDeps): Hono<AgentEnv> {
  return new Hono<AgentEnv>();
}

import { Hono } from 'hono';
import type { AgentDeps, AgentEnv } from '../env.js';

/** /api/configs — to be filled in. */
export function configsApi(_deps: AgentDeps): Hono<AgentEnv> {
  return new Hono<AgentEnv>();
}

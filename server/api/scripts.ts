import { Hono } from 'hono';
import type { AgentDeps, AgentEnv } from '../env.js';

/** /api/scripts — to be filled in. */
export function scriptsApi(_deps: AgentDeps): Hono<AgentEnv> {
  return new Hono<AgentEnv>();
}

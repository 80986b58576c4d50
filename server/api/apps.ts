import { Hono } from 'hono';
import type { AgentDeps, AgentEnv } from '../env.js';

/** /api/apps — to be filled in. */
export function appsApi(_deps: AgentDeps): Hono<AgentEnv> {
  return new Hono<AgentEnv>();
}

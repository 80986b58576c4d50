import { Hono } from 'hono';
import type { AgentDeps, AgentEnv } from '../env.js';
import { credentialOf } from '../services/logs/index.js';
import { loadLogs, logsForm, logsPage } from './logs-page.js';

/** /logs: choose a log, filter it, read its newest lines, or follow it live. */
export function logsPages(deps: AgentDeps): Hono<AgentEnv> {
  const pages = new Hono<AgentEnv>();

  pages.get('/logs', async (c) => {
    const form = logsForm(c.req.query());
    const view = await loadLogs({ deps, form, credential: credentialOf(c.get('actor')) });
    return c.html(logsPage({ form, view, actor: c.get('actor'), nonce: c.get('secureHeadersNonce') }), view.status);
  });

  return pages;
}

/**
 * /agent: the agent's own releases and self-update, a view of the same services as /api/agent.
 *   GET  /agent                            running release, `current`, kept releases, last update (follows one in progress)
 *   GET  /agent/releases/:id/activate      the confirmation
 *   POST /agent/releases/:id/activate      starts the switch -> 303 /agent
 *   POST /agent/releases                   multipart {bundle, version, then: switch|stage} -> 303 /agent
 */
import { Hono, type Context } from 'hono';
import type { BodyData } from 'hono/utils/body';
import type { AgentDeps, AgentEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { listAgentReleases } from '../services/agent/index.js';
import { agentPage, switchConfirmPage } from './agent-page.js';
import { keptRelease, switchRelease, typedVersion, uploadFromForm } from './agent-actions.js';
import { problemOf } from './error-page.js';

export function agentPages(deps: AgentDeps): Hono<AgentEnv> {
  const pages = new Hono<AgentEnv>();

  const show = async (c: Context<AgentEnv>, extra: { done?: string | undefined; error?: ApiError; body?: BodyData } = {}) => {
    const problem = extra.error ? problemOf(extra.error) : undefined;
    const page = agentPage({
      info: await listAgentReleases(deps),
      version: deps.version,
      now: deps.clock(),
      actor: c.get('actor'),
      nonce: c.get('secureHeadersNonce'),
      done: extra.done,
      problem,
      typedVersion: extra.body ? typedVersion(extra.body) : undefined,
    });
    return c.html(page, problem?.status ?? 200);
  };

  /** A refused action is shown on the agent page, beside what the user can do instead. */
  const refused = (c: Context<AgentEnv>, error: unknown, body?: BodyData) => {
    if (!(error instanceof ApiError)) throw error;
    return show(c, { error, ...(body ? { body } : {}) });
  };

  pages.get('/agent', (c) => show(c, { done: c.req.query('done')?.slice(0, 500) }));

  pages.get('/agent/releases/:id/activate', async (c) => {
    const { release, info } = await keptRelease(deps, c.req.param('id'));
    return c.html(switchConfirmPage({ release, info, actor: c.get('actor') }));
  });

  pages.post('/agent/releases/:id/activate', async (c) => {
    try {
      const done = await switchRelease({ deps, id: c.req.param('id'), actor: c.get('actor').name });
      return c.redirect(`/agent?done=${encodeURIComponent(done)}`, 303);
    } catch (error) {
      return refused(c, error);
    }
  });

  pages.post('/agent/releases', async (c) => {
    const body = await c.req.parseBody();
    try {
      const done = await uploadFromForm({ deps, body, actor: c.get('actor').name });
      return c.redirect(`/agent?done=${encodeURIComponent(done)}`, 303);
    } catch (error) {
      return refused(c, error, body);
    }
  });

  return pages;
}

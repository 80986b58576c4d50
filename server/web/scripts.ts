/**
 * /scripts: the troubleshooting scripts, run from a form.
 *   GET  /scripts         list with descriptions
 *   GET  /scripts/:name   the run form
 *   POST /scripts/:name   {args}: runs it and shows stdout, stderr and the exit code's meaning
 */
import { Hono } from 'hono';
import type { AgentDeps, AgentEnv } from '../env.js';
import { describeScript, findScript, listScripts } from '../services/scripts/index.js';
import { runScriptForm, scriptPage, scriptsPage } from './scripts-page.js';

export function scriptsPages(deps: AgentDeps): Hono<AgentEnv> {
  const pages = new Hono<AgentEnv>();

  pages.get('/scripts', async (c) => c.html(scriptsPage({ list: await listScripts({ deps }), actor: c.get('actor') })));

  pages.get('/scripts/:name', async (c) => {
    const script = await findScript({ deps, name: c.req.param('name') });
    return c.html(scriptPage({ name: script.name, description: await describeScript({ deps, file: script.file }), actor: c.get('actor') }));
  });

  pages.post('/scripts/:name', async (c) => {
    const script = await findScript({ deps, name: c.req.param('name') });
    const description = await describeScript({ deps, file: script.file });
    const body = await c.req.parseBody();
    const line = typeof body.args === 'string' ? body.args.slice(0, 4000) : '';
    const outcome = await runScriptForm({ deps, actor: c.get('actor').name, script, line, signal: c.req.raw.signal });
    return c.html(
      scriptPage({ name: script.name, description, actor: c.get('actor'), args: line, ...outcome }),
      outcome.problem?.status ?? 200,
    );
  });

  return pages;
}

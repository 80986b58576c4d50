/**
 * Errors thrown under the browser pages become a readable page with the same status
 * (a 404 stays a 404), so a user never lands on raw JSON. Requests that did not ask
 * for HTML are handed on to the app's JSON error handler.
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import { isHmsError } from '../../src/core/errors.js';
import { wantsHtml } from '../auth/middleware.js';
import type { AgentEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { layout } from './layout.js';

type Status = ApiError['status'];

/** Where "Back" goes from a failed page: its section's start page. */
const SECTIONS: Record<string, readonly [href: string, label: string]> = {
  incidents: ['/incidents', 'Incidents'],
  logs: ['/logs', 'Logs'],
  configs: ['/configs', 'Configs'],
  scripts: ['/scripts', 'Scripts'],
  deploys: ['/deploys', 'Deploys'],
  backups: ['/backups', 'Backups'],
  audit: ['/audit', 'Audit'],
  agent: ['/agent', 'Agent'],
};

/** What a page shows for an error: the message, what to do next, and the tool's own words. */
export interface PageProblem {
  status: Status;
  message: string;
  hint?: string | undefined;
  /** e.g. nginx -t's stderr. */
  output?: string | undefined;
}

export function problemOf(error: unknown): PageProblem {
  if (error instanceof ApiError) {
    const details = (error.details ?? {}) as { stderr?: unknown; restored?: unknown; restoreError?: unknown };
    const output = [details.stderr, details.restoreError].filter((part): part is string => typeof part === 'string').join('\n');
    return { status: error.status, message: error.message, hint: error.hint, output: output || undefined };
  }
  if (isHmsError(error)) return { status: 500, message: error.message, hint: error.hint };
  return { status: 500, message: 'Internal error.', hint: 'The agent log has the details (journalctl -u hms-agent).' };
}

/** The red box of a problem, for pages that show it above a form. */
export function problemBox(problem: PageProblem) {
  return html`<div class="error" role="alert">
<p><strong>${problem.message}</strong></p>
${problem.hint ? html`<p>${problem.hint}</p>` : ''}
${problem.output ? html`<pre>${problem.output}</pre>` : ''}
</div>`;
}

export function pageError(error: Error, c: Context<AgentEnv>): Response | Promise<Response> {
  if (!wantsHtml(c)) throw error;
  if (error instanceof HTTPException) return error.getResponse();
  if (!(error instanceof ApiError) && !isHmsError(error)) console.error(`[hms-agent] ${c.req.method} ${c.req.path}:`, error);
  const problem = problemOf(error);
  const section = c.req.path.split('/')[1] ?? '';
  const [href, label] = Object.hasOwn(SECTIONS, section) ? SECTIONS[section]! : ['/', 'Dashboard'];
  return c.html(
    layout(
      `Error ${problem.status}`,
      html`${problemBox(problem)}
<p><a href="${href}">Back to ${label}</a></p>`,
      { actor: c.get('actor') },
    ),
    problem.status,
    error instanceof ApiError ? error.headers : {},
  );
}

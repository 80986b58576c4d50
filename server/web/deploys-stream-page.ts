/**
 * A deploy from the browser, live without JavaScript: the page is one streamed HTML
 * response that grows as the deploy runs (each step as it starts and ends, its
 * commands' output escaped as it comes), then the outcome. The rules are the SSE
 * route's: output bounded (outputBudget), a comment every HEARTBEAT_MS so
 * nginx and the browser keep a silent step's connection, and a browser that goes
 * away stops the deploy before the switch (after it, the deploy ends safely).
 */
import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import { stream } from 'hono/streaming';
import type { StreamingApi } from 'hono/utils/stream';
import type { DeployDone, DeployStep, StepEvent } from '../../src/api/deploys.js';
import type { Actor, AgentEnv } from '../env.js';
import { HEARTBEAT_MS, outputBudget, type PreparedDeploy, runSafely } from '../services/deploys/index.js';
import { doneSummary } from '../../src/core/deploy-render.js';
import { deploysHref, stepItem } from './deploys-format.js';
import { visible } from './logs-page.js';
import { layout } from './layout.js';

const SLOT = '<!--hms:deploy-progress-->';

/** The page frame around the progress: layout()'s own markup, cut where the body goes. */
async function frame(title: string, actor: Actor): Promise<[top: string, bottom: string]> {
  const page = String(await layout(title, raw(SLOT), { actor }));
  const at = page.indexOf(SLOT);
  return [page.slice(0, at), page.slice(at + SLOT.length)];
}

/** Writes the progress in order without making the deploy wait for a slow (or gone) browser. */
class ProgressPage {
  private pending: Promise<unknown> = Promise.resolve();
  /** The step whose output <pre> is open. */
  private open: DeployStep | null = null;
  private readonly budget = outputBudget();

  constructor(private readonly out: StreamingApi) {}

  write(fragment: string): void {
    // StreamingApi.write swallows a closed connection's errors; the deploy goes on regardless.
    this.pending = this.pending.then(() => this.out.write(fragment));
  }

  step(event: StepEvent): void {
    this.write(`${this.closeOutput()}${stepItem(event)}\n`);
  }

  output(step: DeployStep, text: string): void {
    const shown = this.budget(text);
    if (shown === undefined) return;
    const opening = this.open === step ? '' : `${this.closeOutput()}<pre class="out" data-step="${step}">`;
    this.open = step;
    this.write(`${opening}${html`${visible(shown)}`}`);
  }

  closeOutput(): string {
    if (this.open === null) return '';
    this.open = null;
    return '</pre>\n';
  }

  flushed(): Promise<unknown> {
    return this.pending;
  }
}

function outcome(app: string, done: DeployDone) {
  const links = html`<p><a href="${deploysHref(app)}">Back to ${app}'s deploys</a> · \
<a href="/logs?source=${encodeURIComponent(`${app}:production`)}">${app}'s log</a> · <a href="/audit">Audit log</a></p>`;
  if (done.ok) return html`<p class="notice" id="outcome">${doneSummary(app, done)}</p>\n${links}`;
  return html`<div class="error" id="outcome" role="alert"><p><strong>${doneSummary(app, done)}</strong></p>
${done.hint ? html`<p>${done.hint}</p>` : ''}
<p>${done.rolledBack ? 'The previous release serves again. ' : ''}Fix the cause, then deploy again from ${app}'s page.</p></div>\n${links}`;
}

/** The streamed page of a prepared deploy (its lock is held: it runs whatever the browser does). */
export function deployProgressResponse(c: Context<AgentEnv>, prepared: PreparedDeploy): Response {
  const actor = c.get('actor');
  c.header('content-type', 'text/html; charset=UTF-8');
  c.header('cache-control', 'no-store');
  // nginx would otherwise buffer the page and show it whole at the end.
  c.header('x-accel-buffering', 'no');
  return stream(c, async (out) => {
    const stop = new AbortController();
    out.onAbort(() => stop.abort());
    const page = new ProgressPage(out);
    const [top, bottom] = await frame(`Deploying ${prepared.name}`, actor);
    const reason = prepared.reason ? html` (reason: ${prepared.reason})` : '';
    page.write(
      `${top}${html`<p>Deploying <strong>${prepared.ref}</strong> to <strong>${prepared.name}</strong> as ${prepared.actor}${reason}. \
Each step shows below as it runs. Leaving this page before the switch stops the deploy; after the switch it finishes.</p>
<div class="deploy-progress" id="progress">`}\n`,
    );
    const heartbeat = setInterval(() => page.write('<!-- keep-alive -->\n'), HEARTBEAT_MS);
    try {
      const done = await runSafely(prepared, { signal: stop.signal, reporter: page });
      page.write(`${page.closeOutput()}</div>\n${outcome(prepared.name, done)}${bottom}`);
    } finally {
      clearInterval(heartbeat);
      await page.flushed();
    }
  });
}

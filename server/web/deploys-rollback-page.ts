/**
 * Rolling an app back from its page: the confirmation (from which release to which,
 * and what the database keeps) and the result with its steps and warnings.
 */
import { html } from 'hono/html';
import { releaseIdSchema, type RollbackResult } from '../../src/api/deploys.js';
import type { Actor } from '../env.js';
import { ApiError } from '../errors.js';
import { appLayout, rollbackWarnings } from '../services/deploys/index.js';
import { seconds } from '../../src/core/deploy-render.js';
import { formatTime } from '../../src/core/format.js';
import { deploysHref, shortSha, stepItem } from './deploys-format.js';
import type { AppDeploys } from './deploys-page.js';
import { layout } from './layout.js';

/** The release the confirmation asks about: one of the app's, not the current one. */
function rollbackCandidate(view: AppDeploys, wanted: string) {
  const id = releaseIdSchema.safeParse(wanted);
  const release = id.success ? view.releases.find((r) => r.id === id.data) : undefined;
  if (!release) {
    throw new ApiError(404, `${view.name} has no release ${JSON.stringify(wanted.slice(0, 40))}.`, {
      hint: `Releases: ${view.releases.map((r) => r.id).join(', ') || 'none'}.`,
    });
  }
  if (release.current)
    throw new ApiError(409, `${release.id} is already the current release of ${view.name}.`, {
      hint: 'Choose another release in the table.',
    });
  return release;
}

export async function rollbackConfirmPage(options: { view: AppDeploys; release: string; actor: Actor }) {
  const { view, actor } = options;
  const target = rollbackCandidate(view, options.release);
  const current = view.releases.find((r) => r.current) ?? null;
  const warnings = await rollbackWarnings(appLayout(view.app).release, current?.id ?? null, target);
  if (target.status === 'unknown') warnings.push(`${target.id} has no release.json: how its deploy ended is unknown.`);
  const href = deploysHref(view.name);
  return layout(
    `Roll ${view.name} back to ${target.id}?`,
    html`<form method="post" action="${href}/rollback" id="rollback-form">
<input type="hidden" name="_csrf" value="${actor.csrf ?? ''}">
<input type="hidden" name="release" value="${target.id}">
<p>This switches <strong>${view.name}</strong> \
from ${current ? html`${current.id} (<code>${shortSha(current.sha)}</code>)` : 'no current release'} \
to <strong>${target.id}</strong> (<code>${shortSha(target.sha)}</code>, ${target.ref ?? 'unknown ref'}, \
deployed ${formatTime(target.at)} by ${target.by ?? 'unknown'}), restarts it in phases and checks its health; \
when it is not healthy, ${current?.id ?? 'the current release'} comes back.</p>
${warnings.map((warning) => html`<p class="warn">⚠ ${warning}</p>`)}
<label>Why (optional) <input name="reason" maxlength="300" size="40"></label>
<p><button>Roll back ${view.name} to ${target.id}</button> <a href="${href}">Cancel</a></p>
</form>`,
    { actor },
  );
}

export function rollbackResultPage(options: { result: RollbackResult; actor: Actor }) {
  const { result } = options;
  const href = deploysHref(result.app);
  const whatRuns = result.revertedTo
    ? `${result.revertedTo} serves again.`
    : 'Check the app now: its log and the releases table say what runs.';
  const outcome = result.ok
    ? html`<p class="notice" id="outcome">${result.app}: ${result.to} is live again (was ${result.from ?? 'none'}), \
healthy, in ${seconds(result.ms)}.</p>`
    : html`<div class="error" id="outcome" role="alert">\
<p><strong>${result.app}: the rollback to ${result.to} failed: ${result.error ?? 'no reason given'}</strong></p>
${result.hint ? html`<p>${result.hint}</p>` : ''}
<p>${whatRuns}</p></div>`;
  return layout(
    `Rollback · ${result.app}`,
    html`${result.warnings.map((warning) => html`<p class="warn">⚠ ${warning}</p>`)}
${outcome}
<div class="deploy-progress">${result.steps.map(stepItem)}</div>
<p><a href="${href}">Back to ${result.app}'s deploys</a> · \
<a href="/logs?source=${encodeURIComponent(`${result.app}:production`)}">${result.app}'s log</a></p>`,
    { actor: options.actor },
  );
}

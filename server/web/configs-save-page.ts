/**
 * Saving a site from the edit form. When the change is refused (nginx -t, someone
 * else's change, a failed reload) the form comes back with the user's own text, so
 * nothing typed is lost, next to nginx's words and the file as it is now.
 */
import path from 'node:path';
import { html } from 'hono/html';
import type { SiteChange, SiteContent } from '../../src/api/configs.js';
import type { Actor, AgentDeps } from '../env.js';
import { ApiError } from '../errors.js';
import { unifiedDiff } from '../../src/core/diff.js';
import { readSite, updateSite } from '../services/configs/index.js';
import { problemBox, problemOf, type PageProblem } from './error-page.js';
import { diffBlock } from './configs-history-page.js';
import { editForm, siteHref } from './configs-page.js';
import { lineAnchor, numberedLines } from './nginx-highlight.js';
import { layout } from './layout.js';

export interface SiteForm {
  content: string;
  etag: string;
}

/** Browsers send a textarea's lines with CRLF; the file keeps the server's LF. */
export function siteFormOf(body: Record<string, unknown>): SiteForm {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return { content: text(body.content).replace(/\r\n?/g, '\n'), etag: text(body.etag) };
}

export type SaveOutcome =
  | { saved: true; change: SiteChange }
  | { saved: false; problem: PageProblem; form: SiteForm; current: SiteContent; etag: string };

export async function saveSiteForm(options: { deps: AgentDeps; actor: string; site: string; form: SiteForm }): Promise<SaveOutcome> {
  const { deps, form } = options;
  try {
    const change = await updateSite({
      deps,
      actor: options.actor,
      site: options.site,
      content: form.content,
      ifMatch: form.etag || undefined,
    });
    return { saved: true, change };
  } catch (error) {
    // An unknown or unreadable site has no form to come back to: that is the error page.
    if (!(error instanceof ApiError) || error.status === 404 || error.status === 403) throw error;
    const current = await readSite({ nginx: deps.config.nginx, site: options.site });
    // After 412 (or a missing etag) the form carries the current version: saving again is a deliberate overwrite.
    const etag = error.status === 412 || error.status === 428 ? current.etag : form.etag;
    return { saved: false, problem: problemOf(error), form, current, etag };
  }
}

export function savedNotice(change: SiteChange): string {
  return change.changed
    ? `Saved ${change.name}: nginx accepted it and was reloaded. The previous file is kept as ${change.backupId}.`
    : `Nothing changed: ${change.name} already had this content.`;
}

function conflict(outcome: Extract<SaveOutcome, { saved: false }>) {
  const diff = unifiedDiff(outcome.current.content, outcome.form.content, {
    old: `${outcome.current.name} (now on the server)`,
    new: 'your text',
  });
  return html`<p class="warn"><strong>Someone changed ${outcome.current.name} while you were editing.</strong>
Your text is in the form below, not saved. Compare it with the file as it is now; saving it again replaces their change.</p>
<h2>Your text compared with the file now</h2>
${diffBlock(diff)}`;
}

/**
 * The line of the site that nginx -t names (`… in /etc/nginx/sites-available/cigar:12`),
 * when it names one inside `content`.
 */
export function rejectedLine(problem: PageProblem, site: string, content: string): number | undefined {
  if (problem.status !== 422) return undefined;
  const lineCount = content.split('\n').length;
  for (const text of [problem.output ?? '', problem.message]) {
    for (const match of text.matchAll(/ in (\/\S+):(\d+)$/gm)) {
      const line = Number(match[2]);
      if (path.posix.basename(match[1]!) === site && line >= 1 && line <= lineCount) return line;
    }
  }
  return undefined;
}

export function failedSavePage(outcome: Extract<SaveOutcome, { saved: false }>, actor: Actor) {
  const { current } = outcome;
  const rejected = rejectedLine(outcome.problem, current.name, outcome.form.content);
  return layout(
    `Config · ${current.name}: not saved`,
    html`${problemBox(outcome.problem)}
${
  rejected
    ? html`<p><a href="#${lineAnchor(rejected, 'yours')}">Go to line ${rejected}</a>, \
the one nginx -t rejected, in your text below.</p>`
    : ''
}
${outcome.problem.status === 412 ? conflict(outcome) : ''}
<h2>Your text</h2>
${editForm({ site: current.name, content: outcome.form.content, etag: outcome.etag, csrf: actor.csrf })}
<h2 id="yours">Your text, line by line</h2>
${numberedLines(outcome.form.content, { id: 'yours', rejected })}
<h2>The file now on the server</h2>
${numberedLines(current.content, { id: 'now' })}
<p><a href="${siteHref(current.name)}">Discard your text and reload ${current.name}</a></p>`,
    { actor },
  );
}

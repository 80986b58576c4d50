/** The /configs pages' views: the site list, one site with its edit form and history. */
import { html, raw } from 'hono/html';
import type { SiteContent, SiteHistory, SiteList } from '../../src/api/configs.js';
import type { Actor } from '../env.js';
import { bytes } from './format.js';
import { layout } from './layout.js';
import { numberedLines } from './nginx-highlight.js';

export const siteHref = (site: string): string => `/configs/${encodeURIComponent(site)}`;

export function notice(done: string | undefined) {
  return done ? html`<p class="notice" role="status">${done}</p>` : '';
}

/**
 * The edit form. The newline after <textarea> is eaten by the HTML parser, so a file
 * that starts with an empty line keeps it. `etag` is the version the text was based on.
 */
export function editForm(options: { site: string; content: string; etag: string; csrf: string | undefined }) {
  const rows = Math.min(Math.max(options.content.split('\n').length + 2, 10), 40);
  return html`<form method="post" action="${siteHref(options.site)}" id="edit">
<input type="hidden" name="_csrf" value="${options.csrf ?? ''}">
<input type="hidden" name="etag" value="${options.etag}">
<label for="content">Edit ${options.site}</label>
<textarea id="content" name="content" rows="${rows}" \
spellcheck="false" autocapitalize="off" autocomplete="off">${raw('\n')}${options.content}</textarea>
<p><button>Test with nginx -t and save</button> \
<span class="muted">The file changes only if nginx accepts it; the old one is kept in the history.</span></p>
</form>`;
}

export function historyTable(site: string, history: SiteHistory) {
  if (history.backups.length === 0)
    return html`<p class="muted">No earlier versions yet: each saved change keeps the previous file here.</p>`;
  const base = siteHref(site);
  return html`<div class="scroll"><table>
<tr><th>Saved before a change at</th><th>Size</th><th>Actions</th></tr>
${history.backups.map(
  (backup) => html`<tr><td>${backup.id}</td><td>${bytes(backup.size)}</td><td>
<a href="${base}/history/${backup.id}">View</a>
<a href="${base}/diff?against=${backup.id}">Diff</a>
<a href="${base}/revert?id=${backup.id}">Revert</a></td></tr>`,
)}
</table></div>`;
}

export function sitesPage(options: { list: SiteList; actor: Actor }) {
  const { list } = options;
  const problems = list.problems.map((p) => html`<li class="bad"><strong>${p.name}</strong>: ${p.problem}</li>`);
  return layout(
    'Configs',
    html`<p class="muted">The nginx sites this agent may change. Every change is tested with nginx -t first and can be reverted.</p>
<div class="scroll"><table>
<tr><th>Site</th><th>Enabled</th><th>Size</th><th>Modified</th></tr>
${list.sites.map(
  (site) =>
    html`<tr><td><a href="${siteHref(site.name)}">${site.name}</a></td>\
<td class="${site.enabled ? 'ok' : 'muted'}">${site.enabled ? 'yes' : 'no'}</td><td>${bytes(site.size)}</td><td>${site.modified}</td></tr>`,
)}
</table></div>
${problems.length > 0 ? html`<h2>Problems</h2><ul>${problems}</ul>` : ''}`,
    { actor: options.actor },
  );
}

export function sitePage(options: { site: SiteContent; history: SiteHistory; actor: Actor; done?: string | undefined }) {
  const { site, history, actor } = options;
  return layout(
    `Config · ${site.name}`,
    html`${notice(options.done)}
<p><a href="#edit">Edit</a> · <a href="#history">History</a> · <span class="muted">version ${site.etag.slice(1, 13)}</span></p>
<h2>Current file</h2>
${numberedLines(site.content)}
<h2>Edit</h2>
${editForm({ site: site.name, content: site.content, etag: site.etag, csrf: actor.csrf })}
<h2 id="history">History</h2>
${historyTable(site.name, history)}`,
    { actor },
  );
}

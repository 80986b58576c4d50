/** The views of a site's history: one backup, a diff to the live file, and the revert confirmation. */
import { html } from 'hono/html';
import type { BackupContent, SiteDiff } from '../../src/api/configs.js';
import type { Actor } from '../env.js';
import { layout } from './layout.js';
import { siteHref } from './configs-page.js';
import { numberedLines } from './nginx-highlight.js';

/** A unified diff with its added, removed and hunk lines marked for the stylesheet. */
export function diffBlock(diff: string) {
  if (diff === '') return html`<p class="muted">No differences.</p>`;
  const kind = (line: string) => (line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : '');
  const lines = diff.replace(/\n$/, '').split('\n');
  return html`<pre class="diff">${lines.map((line) => html`<span class="${kind(line)}">${line}\n</span>`)}</pre>`;
}

function backupLinks(site: string, id: string) {
  const base = siteHref(site);
  return html`<p><a href="${base}/diff?against=${id}">Diff to the live file</a> · \
<a href="${base}/revert?id=${id}">Revert to this version</a> · <a href="${base}">Back to ${site}</a></p>`;
}

export function backupPage(options: { backup: BackupContent; actor: Actor }) {
  const { backup } = options;
  return layout(
    `Config · ${backup.name} as of ${backup.id}`,
    html`${backupLinks(backup.name, backup.id)}${numberedLines(backup.content)}`,
    { actor: options.actor },
  );
}

export function diffPage(options: { diff: SiteDiff; actor: Actor }) {
  const { diff } = options;
  return layout(
    `Config · ${diff.name}: changes since ${diff.against}`,
    html`<p class="muted">Lines marked - were in the version of ${diff.against}; lines marked + are in the live file.</p>
${diffBlock(diff.diff)}
${backupLinks(diff.name, diff.against)}`,
    { actor: options.actor },
  );
}

/** Asks first; the form carries the live file's version, so a change made meanwhile is refused (412). */
export function revertPage(options: { diff: SiteDiff; actor: Actor }) {
  const { diff, actor } = options;
  const site = { name: diff.name, etag: diff.etag };
  return layout(
    `Revert ${site.name} to ${diff.against}?`,
    html`<form method="post" action="${siteHref(site.name)}/revert">
<input type="hidden" name="_csrf" value="${actor.csrf ?? ''}">
<input type="hidden" name="id" value="${diff.against}">
<input type="hidden" name="etag" value="${site.etag}">
<p>This puts the version of <strong>${diff.against}</strong> back as <strong>${site.name}</strong>, \
tests it with nginx -t and reloads nginx. The live file is kept in the history first.</p>
<p><button>Revert ${site.name}</button> <a href="${siteHref(site.name)}">Cancel</a></p>
</form>
<h2>What the revert undoes</h2>
<p class="muted">Lines marked + are in the live file and go away; lines marked - come back.</p>
${diffBlock(diff.diff)}`,
    { actor },
  );
}

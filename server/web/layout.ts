import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Actor } from '../env.js';

type Content = HtmlEscapedString | Promise<HtmlEscapedString>;

const NAV = [
  ['/', 'Dashboard'],
  ['/incidents', 'Incidents'],
  ['/logs', 'Logs'],
  ['/configs', 'Configs'],
  ['/deploys', 'Deploys'],
  ['/backups', 'Backups'],
  ['/scripts', 'Scripts'],
  ['/audit', 'Audit'],
  ['/agent', 'Agent'],
] as const;

/** The page frame: one stylesheet, no script unless a page brings one with the nonce. */
export function layout(title: string, body: Content, options: { actor?: Actor | undefined; head?: Content } = {}): Content {
  const { actor } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · hms</title>
<link rel="stylesheet" href="/static/style.css">
${options.head ?? ''}
</head>
<body>
<header>
  <strong>hms</strong>
  ${
    actor
      ? html`<nav>${NAV.map(([href, label]) => (href === '/incidents' ? incidentsLink(actor) : html`<a href="${href}">${label}</a>`))}</nav>
  <form method="post" action="/logout" class="inline">\
<input type="hidden" name="_csrf" value="${actor.csrf ?? ''}"><button>Log out ${actor.name}</button></form>`
      : ''
  }
</header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

/** "Incidents", or "Incidents (2)" in red when one is critical, amber for warnings only. */
function incidentsLink(actor: Actor) {
  const open = actor.incidents?.open ?? 0;
  if (open === 0) return html`<a href="/incidents">Incidents</a>`;
  return html`<a href="/incidents" class="${actor.incidents!.critical > 0 ? 'bad' : 'warn'}">Incidents (${open})</a>`;
}

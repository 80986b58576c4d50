/**
 * An nginx config as numbered, highlighted lines for the configs pages: highlight.js's
 * nginx grammar (comments, directives, strings, variables, block names; braces are
 * marked here), run on the server so the page needs no script and reads the same
 * without CSS. highlight.js escapes the text itself; the only markup in its answer
 * is its own `<span class="hljs-…">`, which is split here at line ends so each line
 * is a list item of its own.
 */
import type { HLJSApi } from 'highlight.js';
import { html, raw } from 'hono/html';

let hljs: HLJSApi | undefined;

/** highlight.js and its nginx grammar, loaded by the first configs page (the agent idles without them). */
export async function loadHighlighter(): Promise<void> {
  if (hljs) return;
  const [{ default: core }, { default: nginx }] = await Promise.all([
    import('highlight.js/lib/core'),
    import('highlight.js/lib/languages/nginx'),
  ]);
  core.registerLanguage('nginx', nginx);
  hljs = core;
}

const TOKEN = /(<span class="[^"<>]*">|<\/span>|\n|[{}])/;

/** One line of HTML per line of `content`: a span open at a line's end is closed there and reopened on the next line. */
export function highlightedLines(content: string): string[] {
  if (!hljs) throw new Error('highlightedLines before loadHighlighter()');
  const marked = hljs.highlight(content, { language: 'nginx', ignoreIllegals: true }).value;
  const lines: string[] = [];
  const open: string[] = [];
  let line = '';
  for (const token of marked.split(TOKEN)) {
    if (token === '\n') {
      lines.push(line + '</span>'.repeat(open.length));
      line = open.join('');
    } else if (token.startsWith('<span')) {
      open.push(token);
      line += token;
    } else if (token === '</span>') {
      open.pop();
      line += token;
    } else if ((token === '{' || token === '}') && open.length === 0) {
      line += `<span class="hljs-punctuation">${token}</span>`;
    } else line += token;
  }
  lines.push(line + '</span>'.repeat(open.length));
  // The newline that ends the last line starts no line of its own.
  if (content.endsWith('\n') || content === '') lines.pop();
  return lines;
}

export interface NumberedOptions {
  /** Prefix of each line's anchor (`yours` -> #yours-L12), for two files on one page. */
  id?: string | undefined;
  /** The line nginx -t rejected: marked, and said so in words (for a page read without CSS). */
  rejected?: number | undefined;
}

/** The anchor of a line, for links such as "line 12" in nginx's answer. */
export const lineAnchor = (line: number, id?: string): string => `${id ? `${id}-` : ''}L${line}`;

/** A file's lines, numbered by the list itself (so copying the text copies no numbers), highlighted. */
export function numberedLines(content: string, options: NumberedOptions = {}) {
  return html`<ol class="lines nginx">${highlightedLines(content).map((line, index) => {
    const number = index + 1;
    const rejected = number === options.rejected;
    // `line` is highlight.js's escaped text and its own spans (see highlightedLines).
    const why = rejected ? html`<strong class="rejected-why"> ← nginx -t rejected this line</strong>` : '';
    return html`<li id="${lineAnchor(number, options.id)}"${rejected ? raw(' class="rejected"') : ''}>${raw(line)}${why}</li>`;
  })}</ol>`;
}

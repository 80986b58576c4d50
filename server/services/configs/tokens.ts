/**
 * nginx's config syntax as nginx itself reads it (ngx_conf_read_token): words end at
 * whitespace, ";" or "{" (but "${" continues a variable); "#" starts a comment only
 * where a word could start; "…" and '…' are one word; "\" escapes the next
 * character, and \" \' \\ \t \r \n are unescaped in every word. Used to lint a site
 * before `nginx -t` ever reads it as root.
 */

export interface NginxStatement {
  /** The directive: the first word. */
  name: string;
  args: string[];
  /** 1-based line of the directive's first word. */
  line: number;
  /** The directive whose block it is in (`server`, `location`, `map`, …); absent at the top. */
  block?: string;
}

const SPACE = new Set([' ', '\t', '\r', '\n']);

/** Every directive with its words, blocks flattened (a block's opener is a statement too). */
export function nginxStatements(content: string): NginxStatement[] {
  const statements: NginxStatement[] = [];
  let words: Array<{ text: string; line: number }> = [];
  let line = 1;
  const blocks: string[] = [];
  const flush = (): string | undefined => {
    const name = words[0]?.text;
    const block = blocks.at(-1);
    if (name !== undefined)
      statements.push({
        name,
        args: words.slice(1).map((word) => word.text),
        line: words[0]!.line,
        ...(block !== undefined ? { block } : {}),
      });
    words = [];
    return name;
  };
  let i = 0;
  while (i < content.length) {
    const char = content[i]!;
    if (char === '\n') line += 1;
    if (SPACE.has(char)) {
      i += 1;
    } else if (char === '{') {
      blocks.push(flush() ?? '');
      i += 1;
    } else if (char === ';' || char === '}') {
      flush();
      if (char === '}') blocks.pop();
      i += 1;
    } else if (char === '#') {
      while (i < content.length && content[i] !== '\n') i += 1;
    } else {
      const start = line;
      const word = char === '"' || char === "'" ? readQuoted(content, i) : readBare(content, i);
      line += word.newlines;
      words.push({ text: unescape(word.raw), line: start });
      i = word.end;
    }
  }
  flush();
  return statements;
}

interface RawWord {
  raw: string;
  /** Index just after the word. */
  end: number;
  newlines: number;
}

function readQuoted(content: string, start: number): RawWord {
  const quote = content[start]!;
  let i = start + 1;
  while (i < content.length && content[i] !== quote) i += content[i] === '\\' ? 2 : 1;
  const raw = content.slice(start + 1, Math.min(i, content.length));
  return { raw, end: i + 1, newlines: countNewlines(raw) };
}

function readBare(content: string, start: number): RawWord {
  let i = start;
  let variable = false;
  while (i < content.length) {
    const char = content[i]!;
    if (char === '\\') {
      i += 2;
      variable = false;
      continue;
    }
    if (char === '{' && variable) {
      i += 1;
      variable = false;
      continue;
    }
    if (SPACE.has(char) || char === ';' || char === '{') break;
    variable = char === '$';
    i += 1;
  }
  const raw = content.slice(start, Math.min(i, content.length));
  return { raw, end: i, newlines: countNewlines(raw) };
}

function countNewlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === '\n') count += 1;
  return count;
}

/** As nginx: \" \' \\ lose the backslash, \t \r \n become the control character, any other escape stays as written. */
function unescape(raw: string): string {
  return raw.replace(/\\([\s\S])/g, (whole, next: string) => {
    if (next === '"' || next === "'" || next === '\\') return next;
    if (next === 't') return '\t';
    if (next === 'r') return '\r';
    if (next === 'n') return '\n';
    return whole;
  });
}

/** The configs pages' highlighting on its own: highlight.js's nginx grammar, split into lines that each stand alone. */
import { beforeAll, describe, expect, it } from 'vitest';
import { highlightedLines, loadHighlighter } from '../../../server/web/nginx-highlight.js';

const text = (line: string) => line.replace(/<[^>]+>/g, '');

describe('nginx highlighting', () => {
  beforeAll(loadHighlighter);

  it('Given a site, When highlighted, Then comments, directives, strings, variables and blocks are marked, one line each', () => {
    const lines = highlightedLines('# cigar\nserver {\n    add_header X-Host "$host";\n}\n');
    expect(lines).toEqual([
      '<span class="hljs-comment"># cigar</span>',
      '<span class="hljs-section">server</span> <span class="hljs-punctuation">{</span>',
      '    <span class="hljs-attribute">add_header</span> X-Host ' +
        '<span class="hljs-string">&quot;<span class="hljs-variable">$host</span>&quot;</span>;',
      '<span class="hljs-punctuation">}</span>',
    ]);
  });

  it('Given a string over two lines, When highlighted, Then its span closes at the line end and reopens on the next line', () => {
    const lines = highlightedLines('return 200 "a\nb";');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/<span class="hljs-string">&quot;a<\/span>$/);
    expect(lines[1]).toMatch(/^<span class="hljs-string">b&quot;<\/span>;$/);
    expect(lines.map(text)).toEqual(['return 200 &quot;a', 'b&quot;;']);
  });

  it(
    'Given markup and braces in a comment, When highlighted, ' + 'Then the markup is escaped text and the braces stay part of the comment',
    () => {
      expect(highlightedLines('# </li><script>alert(1)</script> { }')).toEqual([
        '<span class="hljs-comment"># &lt;/li&gt;&lt;script&gt;alert(1)&lt;/script&gt; { }</span>',
      ]);
    },
  );

  it('Given empty lines and no final newline, When highlighted, Then every line is there, none added', () => {
    expect(highlightedLines('')).toEqual([]);
    expect(highlightedLines('a;\n\nb;')).toHaveLength(3);
    expect(highlightedLines('a;\n\n')).toHaveLength(2);
  });
});

import { describe, expect, it } from 'vitest';
import { lineDiff } from '../../src/core/diff.js';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

describe('the diff of an edit', () => {
  it('Given one changed line in a long file, When diffed, Then one hunk with 3 lines of context shows it', () => {
    const before = lines(20).join('\n');
    const after = lines(20)
      .map((l) => (l === 'line 10' ? 'line ten' : l))
      .join('\n');
    const diff = lineDiff(before, after);
    expect(diff[0]).toEqual({ kind: 'hunk', text: '@@ -7,7 +7,7 @@' });
    expect(diff.filter((l) => l.kind === 'remove')).toEqual([{ kind: 'remove', text: 'line 10' }]);
    expect(diff.filter((l) => l.kind === 'add')).toEqual([{ kind: 'add', text: 'line ten' }]);
    expect(diff).toHaveLength(9);
  });

  it('Given no change, When diffed, Then there is nothing to show', () => {
    expect(lineDiff('a\nb\n', 'a\nb\n')).toEqual([]);
  });

  it('Given inserted and deleted lines far apart, When diffed, Then they make two hunks', () => {
    const after = lines(30).filter((l) => l !== 'line 3');
    after.splice(25, 0, 'new line');
    const diff = lineDiff(lines(30).join('\n'), after.join('\n'));
    expect(diff.filter((l) => l.kind === 'hunk')).toHaveLength(2);
  });
});

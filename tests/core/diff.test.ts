import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/core/diff.js';

const dir = mkdtempSync(path.join(tmpdir(), 'hms-diff-'));
const labels = { old: 'old', new: 'new' };

function realDiff(a: string, b: string): string {
  writeFileSync(path.join(dir, 'a'), a);
  writeFileSync(path.join(dir, 'b'), b);
  try {
    execFileSync('diff', ['-u', '--label', 'old', '--label', 'new', path.join(dir, 'a'), path.join(dir, 'b')]);
    return '';
  } catch (error) {
    return (error as { stdout: Buffer }).stdout.toString();
  }
}

/** Applies our diff with the real `patch` and returns the result. */
function patched(a: string, diff: string): string {
  writeFileSync(path.join(dir, 'target'), a);
  writeFileSync(path.join(dir, 'change.diff'), diff);
  if (diff) execFileSync('patch', ['-s', path.join(dir, 'target'), path.join(dir, 'change.diff')]);
  return readFileSync(path.join(dir, 'target'), 'utf8');
}

/** A small deterministic generator, so a failure can be replayed. */
function lines(seed: number): string {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const text = Array.from({ length: next(14) }, () => `line ${next(5)}\n`).join('');
  return next(4) === 0 ? text.replace(/\n$/, '') : text;
}

describe('unifiedDiff', () => {
  it('Given equal texts, When diffed, Then the diff is empty', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', labels)).toBe('');
  });

  it('Given edits among distinct lines, When diffed, Then the output is what diff -u prints', () => {
    const a = Array.from({ length: 30 }, (_, i) => `line ${i}\n`);
    const b = [...a];
    b.splice(3, 1);
    b.splice(10, 0, 'added\n');
    b[25] = 'changed\n';
    for (const [before, after] of [
      [a.join(''), b.join('')],
      ['', 'x\n'],
      ['x\n', ''],
      ['a\nb', 'a\nb\n'],
    ] as const) {
      expect(unifiedDiff(before, after, labels)).toBe(realDiff(before, after));
    }
  });

  it(
    'Given many random pairs with repeated lines and missing final newlines, ' +
      'When our diff is applied by patch, Then it yields the new text',
    () => {
      for (let seed = 1; seed <= 200; seed += 1) {
        const [a, b] = [lines(seed), lines(seed * 7919)];
        expect(patched(a, unifiedDiff(a, b, labels)), `seed ${seed}`).toBe(b);
      }
    },
  );

  it('Given a large rewrite, When diffed, Then it stays fast and correct', () => {
    const a = Array.from({ length: 5000 }, (_, i) => `a ${i}\n`).join('');
    const b = Array.from({ length: 5000 }, (_, i) => `b ${i}\n`).join('');
    const started = Date.now();
    const diff = unifiedDiff(a, b, labels);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(patched(a, diff)).toBe(b);
  });
});

import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../../src/api/logs.js';
import { exec } from '../../../../src/platform/exec.js';
import { contextByGrep, grepMatches, MAX_MATCHED_CHARS, withContext } from '../../../../server/services/logs/context.js';

const lines: LogLine[] = ['one', 'two ERROR', 'three', 'four', 'five', 'six error', 'seven'].map((text) => ({ text }));

describe('withContext', () => {
  it(
    'Given the matching indexes, When asked for one line of context, ' +
      'Then matches and their neighbours come back in order, neighbours marked',
    () => {
      expect(withContext(lines, new Set([1, 5]), 1).lines).toEqual([
        { text: 'one', context: true },
        { text: 'two ERROR' },
        { text: 'three', context: true },
        { text: 'five', context: true },
        { text: 'six error' },
        { text: 'seven', context: true },
      ]);
    },
  );

  it('Given a RegExp, When a line is longer than the matched part, Then only its first MAX_MATCHED_CHARS are searched', () => {
    const long = [{ text: `${'a'.repeat(MAX_MATCHED_CHARS)}b` }];
    expect(withContext(long, /b/, 0).lines).toEqual([]);
    expect(withContext(long, /^a+/, 0).lines).toEqual(long);
  });
});

describe('contextByGrep (the real grep)', () => {
  it('Given journal lines and ignoreCase, When searched, Then grep -E finds the same lines grep would in a file', async () => {
    const found = await contextByGrep(exec, lines, { pattern: 'error', ignoreCase: true }, 0);
    expect(found.lines).toEqual([{ text: 'two ERROR' }, { text: 'six error' }]);
  });

  it('Given a pattern that starts with "-" and shell text, When searched, Then they are only a pattern', async () => {
    expect(await grepMatches(exec, ['-f/etc/shadow', '$(id)', 'x'], { pattern: '-f/etc/shadow|\\$\\(id\\)', ignoreCase: false })).toEqual(
      new Set([0, 1]),
    );
  });

  it(
    'Given "a*a*b" and a line of 100,000 a\'s an attacker wrote, ' +
      'When searched, Then grep answers at once (a backtracking RegExp would not)',
    async () => {
      const started = performance.now();
      expect(await grepMatches(exec, ['a'.repeat(100_000), 'aab'], { pattern: 'a*a*b', ignoreCase: false })).toEqual(new Set([1]));
      expect(performance.now() - started).toBeLessThan(2000);
    },
  );

  it('Given a pattern grep cannot compile, When searched, Then a 400 names the grep parameter', async () => {
    await expect(grepMatches(exec, ['x'], { pattern: '[[:nope:]]', ignoreCase: false })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/^Invalid query parameter grep: /),
    });
  });
});

import { describe, expect, it } from 'vitest';
import { compilePattern, riskyConstruct } from '../../../../server/services/logs/pattern.js';

describe('grep patterns', () => {
  it('Given everyday patterns, When checked, Then they compile', () => {
    for (const pattern of [
      'error|fatal',
      'Completed 5[0-9]{2}',
      '(GET|POST) /orders',
      'timeout.*upstream',
      '[[:digit:]]+ ms',
      '$(id)',
      '-f/etc/shadow',
      '--include=*',
      '(?:ab)?c',
    ]) {
      expect(riskyConstruct(pattern), pattern).toBeUndefined();
      expect(compilePattern(pattern, false)).toBeInstanceOf(RegExp);
    }
  });

  it('Given nested repetition or back-references, When checked, Then they are refused with a 400', () => {
    for (const pattern of ['(a+)+', '(a|aa)*', '((ab)*c)+', '([0-9]+)*x', '(\\w+\\s?)+$', '(a*){2,}', '(.*a){20}', '(x)\\1']) {
      expect(riskyConstruct(pattern), pattern).toBeDefined();
      expect(() => compilePattern(pattern, false)).toThrow(expect.objectContaining({ status: 400 }));
    }
  });

  it('Given brackets and escapes that only look like groups, When checked, Then they are not mistaken for nesting', () => {
    expect(riskyConstruct('[(a+)]+')).toBeUndefined();
    expect(riskyConstruct('\\(a+\\)+')).toBeUndefined();
    expect(riskyConstruct('(a)+')).toBeUndefined();
  });

  it('Given a pattern that does not compile, When checked, Then the 400 says why', () => {
    expect(() => compilePattern('(', false)).toThrow(/Invalid query parameter grep: .*Unterminated group/);
  });

  it('Given ignoreCase, When compiled, Then the filter ignores case', () => {
    expect(compilePattern('error', true).test('ERROR: boom')).toBe(true);
    expect(compilePattern('error', false).test('ERROR: boom')).toBe(false);
  });
});

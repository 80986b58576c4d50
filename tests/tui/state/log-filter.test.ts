import { describe, expect, it } from 'vitest';
import { describeFilter, parseFilter, passes } from '../../../tui/state/log-filter.js';

describe('the / filter', () => {
  it('Given a lower-case pattern, When matching, Then case is ignored (smart case)', () => {
    const filter = parseFilter('error');
    expect(passes(filter, 'RuntimeError (boom)')).toBe(true);
    expect(passes(filter, 'Started GET "/"')).toBe(false);
  });

  it('Given a pattern with a capital, When matching, Then case counts', () => {
    expect(passes(parseFilter('GET'), 'get /')).toBe(false);
    expect(passes(parseFilter('GET'), 'GET /')).toBe(true);
  });

  it('Given /!pattern, When matching, Then the lines that match are the ones hidden', () => {
    const filter = parseFilter('!/up');
    expect(filter.inverse).toBe(true);
    expect(passes(filter, 'Started GET "/up"')).toBe(false);
    expect(passes(filter, 'Started GET "/orders"')).toBe(true);
  });

  it('Given a regular expression, When matching, Then it is used as one', () => {
    expect(passes(parseFilter('GET "/(up|boom)"'), 'Started GET "/boom" for 127.0.0.1')).toBe(true);
  });

  it('Given an invalid expression, When parsed, Then it hides nothing and says why', () => {
    const filter = parseFilter('(unclosed');
    expect(filter.error).toMatch(/not a regular expression/);
    expect(passes(filter, 'anything')).toBe(true);
    expect(describeFilter(filter)).toContain('(unclosed');
  });

  it('Given nothing or a lone !, When matching, Then everything passes', () => {
    expect(passes(parseFilter(''), 'x')).toBe(true);
    expect(passes(parseFilter('!'), 'x')).toBe(true);
  });
});

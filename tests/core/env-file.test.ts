import { describe, expect, it } from 'vitest';
import { envFileLine, envValueDigest, parseEnvFile } from '../../src/core/env-file.js';

const VALUES = [
  '',
  'production',
  'postgres://cigar:p%40ss@127.0.0.1:5432/cigar',
  'two words',
  '  leading and trailing  ',
  'say "hi"',
  "it's",
  'back\\slash \\n \\\\ end\\',
  '$HOME ${HOME} `id` $(id)',
  '#not a comment ;nor this',
  'a=b=c',
  'ünïcødé ✓',
  '\'"\\$`#; mixed',
];

describe('env file lines, written and read as systemd reads them', () => {
  it.for(VALUES)('Given the value %j, When written as a line and parsed, Then it comes back verbatim', (value) => {
    expect(parseEnvFile(`${envFileLine('NAME', value)}\n`)).toEqual({ NAME: value });
  });

  it(
    'Given the values hms has always written (hex, base64url, encoded URLs, empty), ' +
      'When written, Then the lines are unquoted as before',
    () => {
      expect(envFileLine('RAILS_ENV', 'production')).toBe('RAILS_ENV=production');
      expect(envFileLine('RAILS_SERVE_STATIC_FILES', '')).toBe('RAILS_SERVE_STATIC_FILES=');
      expect(envFileLine('DATABASE_URL', 'postgres://c:a-b_C%2F@127.0.0.1:5432/c')).toBe(
        'DATABASE_URL=postgres://c:a-b_C%2F@127.0.0.1:5432/c',
      );
      expect(envFileLine('X', 'say "hi" $A')).toBe('X="say \\"hi\\" \\$A"');
    },
  );

  it(
    "Given systemd's syntax by hand, " +
      "When parsed, Then comments, quotes, escapes, blanks and later lines read as systemd's parser reads them",
    () => {
      const text = [
        '# a comment',
        '; another',
        '  SPACED  =  value with trailing blanks   ',
        "SINGLE='keeps \\ and \" and $X'",
        'DOUBLE="keeps \\q, takes \\" and \\\\"',
        'BARE=a\\ b\\#c # not a comment',
        'JOINED="a"\'b\'c',
        'EMPTY=',
        'NOEQUALS',
        '1BAD=x',
        'TWICE=first',
        'TWICE=second',
        'CONTINUED=one\\',
        'two',
      ].join('\n');
      expect(parseEnvFile(text)).toEqual({
        SPACED: 'value with trailing blanks',
        SINGLE: 'keeps \\ and " and $X',
        DOUBLE: 'keeps \\q, takes " and \\',
        BARE: 'a b#c # not a comment',
        JOINED: 'abc',
        EMPTY: '',
        TWICE: 'second',
        CONTINUED: 'onetwo',
      });
    },
  );

  it('Given one value and two keys, When digested, Then the digest depends on the key and the value, never equal across keys', () => {
    const [a, b] = ['11'.repeat(32), '22'.repeat(32)];
    expect(envValueDigest(a, 'secret')).toMatch(/^[0-9a-f]{64}$/);
    expect(envValueDigest(a, 'secret')).toBe(envValueDigest(a, 'secret'));
    expect(envValueDigest(a, 'secret')).not.toBe(envValueDigest(b, 'secret'));
    expect(envValueDigest(a, 'secret')).not.toBe(envValueDigest(a, 'secret2'));
  });
});

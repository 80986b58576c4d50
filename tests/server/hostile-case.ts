/**
 * The shape of a hostile-input case, and the hostile spellings of a name that every
 * family of cases (hostile-corpus.ts) tries in its path segments.
 */
import type { HostileTree } from './hostile-tree.js';

export interface HostileCase {
  name: string;
  method: 'GET' | 'PUT' | 'POST';
  url: string | ((tree: HostileTree) => string);
  headers?: Record<string, string> | ((tree: HostileTree, etag: string) => Record<string, string>);
  body?: string | ((tree: HostileTree) => string);
  /** refused (default): a 4xx. inert: a 200 in which the input was only data. */
  expect?: 'refused' | 'inert';
  /** A process may run (nginx -t, grep, a script); refused cases otherwise start none. */
  runs?: boolean;
  /** The request (and reading its answer) must end within this; catastrophic regexes use it. */
  maxMs?: number;
  /** What the agent does wrong today; the case runs as an expected failure until fixed. */
  knownBug?: string;
}

const FULLWIDTH = (text: string) =>
  [...text].map((char) => (/[a-z]/.test(char) ? String.fromCodePoint(char.codePointAt(0)! + 0xfee0) : char)).join('');
export const enc = encodeURIComponent;

/** Hostile spellings of a name in a path segment (already URL-encoded), around a valid `name`. */
export function nameVariants(name: string): Array<[label: string, segment: string | ((tree: HostileTree) => string)]> {
  return [
    ['".." (normalised by the URL parser)', '..'],
    ['"../.." encoded as ..%2f..', '..%2f..'],
    ['"%2e%2e"', '%2e%2e'],
    ['%2e%2e%2f traversal to /etc/passwd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
    ['double-encoded %252e%252e%252f', '%252e%252e%252f%252e%252e%252fetc%252fpasswd'],
    ['backslash traversal ..%5c', '..%5c..%5cetc%5cpasswd'],
    ['"....//" filter bypass', '....%2f%2f....%2f%2fetc%2fpasswd'],
    ['absolute %2fetc%2fpasswd', '%2fetc%2fpasswd'],
    ["the canary's absolute path", (tree) => enc(tree.canary)],
    ['"../outside/secret.txt"', '..%2foutside%2fsecret.txt'],
    ['NUL byte alone', '%00'],
    ['name + NUL + suffix', `${enc(name)}%00.log`],
    ['"; id" appended', `${enc(name)}%3Bid`],
    ['"$(id)"', '%24(id)'],
    ['backticks', '%60id%60'],
    ['"| id" appended', `${enc(name)}%7Cid`],
    ['"&& id" appended', `${enc(name)}%26%26id`],
    ['newline + command', `${enc(name)}%0Aid`],
    ['option "--help"', '--help'],
    ['option "-h"', '-h'],
    ['Cyrillic lookalike', enc(name.replace('i', '\u0456').replace('c', '\u0441'))],
    ['fullwidth letters', enc(FULLWIDTH(name))],
    ['10 KB name', 'a'.repeat(10 * 1024)],
    ['"__proto__"', '__proto__'],
    ['"constructor"', 'constructor'],
    ['"prototype"', 'prototype'],
    ['"hasOwnProperty"', 'hasOwnProperty'],
    ['upper case', enc(name.toUpperCase())],
    ['leading space', `%20${enc(name)}`],
    ['trailing tab', `${enc(name)}%09`],
    ['empty (double slash)', ''],
  ];
}

/** `segment` built into a URL now, or when the tree is known if the segment needs it. */
export const at = (segment: string | ((tree: HostileTree) => string), build: (segment: string) => string) =>
  typeof segment === 'string' ? build(segment) : (tree: HostileTree) => build(segment(tree));

export const json = (value: unknown) => JSON.stringify(value);
export const TWO_MB = 2 * 1024 * 1024;

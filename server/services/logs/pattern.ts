/**
 * A user's grep pattern, checked once before anything runs it: the schema caps its
 * length and refuses control characters; here it must compile, and must not be a
 * shape that makes a backtracking engine (JS in follow, PCRE2 in journalctl) take
 * exponential time.
 */
import { ApiError } from '../../errors.js';

/** The pattern compiled for filtering in the agent (follow, journal with context). */
export function compilePattern(pattern: string, ignoreCase: boolean): RegExp {
  const risky = riskyConstruct(pattern);
  if (risky) {
    throw new ApiError(400, `Invalid query parameter grep: ${risky}.`, {
      hint: 'Simplify the pattern, e.g. "timeout|refused" or "Completed 5[0-9]{2}".',
    });
  }
  try {
    return new RegExp(pattern, ignoreCase ? 'i' : '');
  } catch (error) {
    throw new ApiError(400, `Invalid query parameter grep: ${(error as Error).message}.`, {
      hint: 'grep takes an extended regular expression, e.g. "error|fatal".',
      cause: error,
    });
  }
}

/**
 * A quantified group whose body itself repeats or alternates (`(a+)+`, `(a|aa)*`,
 * `((ab)*c)+`) and back-references are what turn backtracking exponential; they
 * are refused rather than timed.
 */
export function riskyConstruct(pattern: string): string | undefined {
  if (/\\[1-9]/.test(pattern)) return 'back-references (\\1) are not supported';
  const bound = largeRepetition(pattern);
  if (bound)
    return `the repetition "${bound}" is larger than ${MAX_REPETITION} (grep builds a state per repetition: ".{1,32767}" takes gigabytes)`;
  // For each open group: does its body repeat or alternate?
  const open: boolean[] = [];
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i]!;
    if (char === '\\') {
      i += 1;
    } else if (char === '[') {
      i = endOfClass(pattern, i);
    } else if (char === '(') {
      open.push(false);
      if (pattern[i + 1] === '?') i += 2; // (?: (?= (?! in PCRE: a group opener, not a quantifier
    } else if (char === ')') {
      const complex = open.pop() ?? false;
      const repeated = isRepeated(pattern.slice(i + 1));
      if (complex && repeated) return `nested repetition at "${pattern.slice(0, i + 2)}" can take exponential time`;
      if (complex || repeated) markOpenGroup(open);
    } else if ('|*+?{'.includes(char)) {
      markOpenGroup(open);
    }
  }
  return undefined;
}

/** The largest count a `{n}`, `{n,}` or `{n,m}` may use. */
export const MAX_REPETITION = 255;

/** The first `{n,m}` outside brackets and escapes whose n or m is above MAX_REPETITION. */
function largeRepetition(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i]!;
    if (char === '\\') i += 1;
    else if (char === '[') i = endOfClass(pattern, i);
    else if (char === '{') {
      const m = /^\{(\d*),?(\d*)\}/.exec(pattern.slice(i));
      if (m && [m[1], m[2]].some((count) => count !== '' && Number(count) > MAX_REPETITION)) return m[0];
    }
  }
  return undefined;
}

/** `*`, `+`, `{2}`, `{1,}`, `{0,3}` repeat what precedes them; `?`, `{1}`, `{0,1}` do not. */
function isRepeated(rest: string): boolean {
  const m = /^(?:[*+]|\{(\d*)(,?)(\d*)\})/.exec(rest);
  if (!m) return false;
  if (m[0] === '*' || m[0] === '+') return true;
  const max = m[2] === ',' ? (m[3] === '' ? Infinity : Number(m[3])) : Number(m[1]);
  return max > 1;
}

function markOpenGroup(open: boolean[]): void {
  if (open.length > 0) open[open.length - 1] = true;
}

/** The index of the `]` closing the class opened at `start` (`[]a]`, `[^]a]` and `[[:digit:]]` included). */
function endOfClass(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i += 1;
  if (pattern[i] === ']') i += 1;
  for (; i < pattern.length; i += 1) {
    if (pattern[i] === '\\') i += 1;
    else if (pattern.startsWith('[:', i)) i = Math.max(i, pattern.indexOf(':]', i + 2) + 1);
    else if (pattern[i] === ']') return i;
  }
  return pattern.length;
}

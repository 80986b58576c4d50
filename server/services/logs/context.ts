/**
 * `grep -C`-like context for the journal (journalctl has no context option): the
 * matching lines and up to `context` lines either side, in order. The matching is
 * best done by the real grep (`contextByGrep`: linear time, out of the event loop);
 * the in-agent RegExp (`withContext` with a RegExp) only sees the first
 * MAX_MATCHED_CHARS of each line.
 */
import type { LogLine } from '../../../src/api/logs.js';
import type { exec as execDoor } from '../../../src/platform/exec.js';
import { ApiError } from '../../errors.js';
import { outOfMemory, patternTooCostly, SEARCH_CHILD } from './search-limits.js';

/** What the in-agent RegExp reads of one line. */
export const MAX_MATCHED_CHARS = 4096;
const GREP_TIMEOUT_MS = 60_000;

/** The lines around the matches; `match` is a RegExp, or the indexes of the matching lines. */
export function withContext(lines: LogLine[], match: RegExp | ReadonlySet<number>, context: number): { lines: LogLine[] } {
  const isMatch =
    match instanceof RegExp
      ? (index: number) => match.test(lines[index]!.text.slice(0, MAX_MATCHED_CHARS))
      : (index: number) => match.has(index);
  const keep = new Map<number, boolean>();
  lines.forEach((_line, index) => {
    if (!isMatch(index)) return;
    for (let i = Math.max(0, index - context); i <= Math.min(lines.length - 1, index + context); i += 1) {
      if (!keep.get(i)) keep.set(i, i === index);
    }
  });
  return {
    lines: [...keep.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, isMatching]) => (isMatching ? lines[index]! : { ...lines[index]!, context: true })),
  };
}

/** The indexes of the lines the real `grep -E` matches, the text handed over on stdin. */
export async function grepMatches(
  exec: typeof execDoor,
  texts: readonly string[],
  grep: { pattern: string; ignoreCase: boolean },
): Promise<Set<number>> {
  const input = texts.length > 0 ? `${texts.join('\n')}\n` : '';
  const result = await exec(['grep', '-E', '-n', '--binary-files=text', ...(grep.ignoreCase ? ['-i'] : []), '-e', grep.pattern], {
    input,
    timeoutMs: GREP_TIMEOUT_MS,
    // Every matching line comes back once, with its number: never more than this.
    maxOutputBytes: Buffer.byteLength(input) + 16 * texts.length + 1024,
    env: { ...process.env, LC_ALL: 'C.UTF-8' },
    limits: SEARCH_CHILD,
  });
  if (result.timedOut)
    throw new ApiError(504, `grep took longer than ${GREP_TIMEOUT_MS / 1000} s.`, { hint: 'Narrow the pattern, or use since/until.' });
  if (result.code !== 0 && result.code !== 1) {
    if (outOfMemory(result.stderr)) throw patternTooCostly(SEARCH_CHILD);
    const reason =
      result.stderr
        .trim()
        .split('\n')
        .at(-1)
        ?.replace(/^grep: /, '') || `grep exited with code ${result.code}`;
    throw new ApiError(400, `Invalid query parameter grep: ${reason}.`, {
      hint: 'grep takes an extended regular expression (grep -E), e.g. "error|fatal".',
    });
  }
  const matches = new Set<number>();
  for (const row of result.stdout.split('\n')) {
    const m = /^(\d+):/.exec(row);
    if (m) matches.add(Number(m[1]) - 1);
  }
  return matches;
}

/** withContext with the matching done by the real grep. */
export async function contextByGrep(
  exec: typeof execDoor,
  lines: LogLine[],
  grep: { pattern: string; ignoreCase: boolean },
  context: number,
): Promise<{ lines: LogLine[] }> {
  // One line of text per entry, so grep's line numbers are the indexes.
  return withContext(
    lines,
    await grepMatches(
      exec,
      lines.map((line) => line.text.replace(/\n/g, ' ')),
      grep,
    ),
    context,
  );
}

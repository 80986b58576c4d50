/**
 * The systemd journal of one unit, through `journalctl -o short-iso`. The argv are
 * built by pure functions (tested as data); the agent asks for newest-first output
 * (`--reverse`, which `--grep` with `-n` implies anyway) so it can stop reading once
 * it has enough, then puts the entries back in time order.
 */
import type { LogLine } from '../../../src/api/logs.js';
import type { exec as execDoor } from '../../../src/platform/exec.js';
import { ApiError } from '../../errors.js';
import { MAX_LINE_BYTES } from '../files/index.js';
import { contextByGrep } from './context.js';
import { OUTPUT_BUDGET_BYTES } from './files.js';
import { compilePattern } from './pattern.js';
import { LineClock, lineTime } from './timestamps.js';
import type { TimeWindow } from './window.js';
import { JOURNAL_CHILD } from './search-limits.js';

const JOURNAL_TIMEOUT_MS = 60_000;
/** With context, the agent filters; this many newest entries are searched. */
export const CONTEXT_SCAN_ENTRIES = 50_000;

export interface JournalQuery {
  unit: string;
  lines: number;
  grep?: string;
  ignoreCase: boolean;
  window: TimeWindow;
  priority?: number;
}

const epoch = (date: Date, round: (n: number) => number): string => `@${round(date.getTime() / 1000)}`;

function filters({ unit, window, priority }: Pick<JournalQuery, 'unit' | 'window' | 'priority'>): string[] {
  return [
    '-u',
    unit,
    ...(window.since ? [`--since=${epoch(window.since, Math.floor)}`] : []),
    ...(window.until ? [`--until=${epoch(window.until, Math.ceil)}`] : []),
    ...(priority !== undefined ? ['-p', String(priority)] : []),
  ];
}

/** The newest `lines` entries (+1, to know whether there were more), newest first. */
export function journalReadArgv(query: JournalQuery): string[] {
  return [
    'journalctl',
    '--no-pager',
    '--quiet',
    '-o',
    'short-iso',
    '--reverse',
    '-n',
    String(query.lines + 1),
    ...filters(query),
    // One argv entry with "=": a pattern starting with "-" stays a pattern (PCRE2).
    ...(query.grep !== undefined ? [`--grep=${query.grep}`, `--case-sensitive=${query.ignoreCase ? 'false' : 'true'}`] : []),
  ];
}

export function journalFollowArgv(query: { unit: string; lines: number; priority?: number }): string[] {
  return ['journalctl', '--no-pager', '--quiet', '-o', 'short-iso', '-f', '-n', String(query.lines), ...filters({ ...query, window: {} })];
}

export async function readJournal(
  exec: typeof execDoor,
  query: JournalQuery & { source: string; context: number },
): Promise<{ lines: LogLine[]; truncated: boolean; matched?: number }> {
  if (query.grep !== undefined && query.context > 0) {
    // journalctl has no context option: read the newest entries and match them with
    // grep (linear time; a JS RegExp here could be made to backtrack for seconds).
    compilePattern(query.grep, query.ignoreCase); // the same validation as everywhere: a bad pattern is a 400
    const read = await runNewestFirst(exec, journalReadArgv({ ...query, grep: undefined, lines: CONTEXT_SCAN_ENTRIES }), query);
    const found = await contextByGrep(exec, read.lines, { pattern: query.grep, ignoreCase: query.ignoreCase }, query.context);
    const lines = found.lines.slice(-query.lines);
    return { lines, truncated: read.truncated || found.lines.length > lines.length, matched: lines.filter((line) => !line.context).length };
  }
  const read = await runNewestFirst(exec, journalReadArgv(query), query);
  const lines = read.lines.slice(-query.lines);
  const truncated = read.truncated || read.lines.length > lines.length;
  return query.grep === undefined ? { lines, truncated } : { lines, truncated, matched: lines.length };
}

/** Runs a `--reverse` read, keeping its first (newest) bytes and stopping journalctl once they fill the budget. */
async function runNewestFirst(
  exec: typeof execDoor,
  argv: string[],
  query: { source: string; grep?: string },
): Promise<{ lines: LogLine[]; truncated: boolean }> {
  const stop = new AbortController();
  const chunks: Buffer[] = [];
  let size = 0;
  const result = await exec(argv, {
    timeoutMs: JOURNAL_TIMEOUT_MS,
    signal: stop.signal,
    maxOutputBytes: 64 * 1024,
    limits: JOURNAL_CHILD,
    onStdout: (chunk) => {
      if (size >= OUTPUT_BUDGET_BYTES) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size >= OUTPUT_BUDGET_BYTES) stop.abort();
    },
  });
  const full = stop.signal.aborted;
  if (result.timedOut)
    throw new ApiError(504, `journalctl for ${query.source} took longer than ${JOURNAL_TIMEOUT_MS / 1000} s.`, {
      hint: 'Use since/until or a smaller lines.',
    });
  // systemd 252's `journalctl --grep` exits 1, saying nothing, when nothing matches.
  const noMatch = query.grep !== undefined && result.code === 1 && result.stderr.trim() === '';
  if (!full && result.code !== 0 && !noMatch) {
    const reason = result.stderr.trim().split('\n').at(-1) || `journalctl exited with code ${result.code}`;
    if (query.grep !== undefined && /pattern|regex/i.test(result.stderr)) {
      throw new ApiError(400, `Invalid query parameter grep: ${reason}.`, {
        hint: 'For the journal, grep is a PCRE2 pattern, e.g. "error|fatal".',
      });
    }
    throw new ApiError(502, `journalctl failed for ${query.source}: ${reason}`, {
      hint: 'Check the agent can read the journal (group systemd-journal or adm).',
    });
  }
  return { lines: parseNewestFirst(Buffer.concat(chunks).toString('utf8'), full), truncated: full };
}

/**
 * `journalctl -o short-iso --reverse` output in time order: an entry is a line
 * starting with its time plus the indented lines of a multi-line message after it.
 */
export function parseNewestFirst(stdout: string, cutAtEnd: boolean): LogLine[] {
  const raw = stdout.split('\n');
  if (raw.at(-1) === '') raw.pop();
  if (cutAtEnd) raw.pop(); // the oldest output was cut mid-line when we stopped reading
  const entries: string[][] = [];
  for (const line of raw) {
    if (/^-- .* --$/.test(line)) continue; // "-- No entries --", "-- Boot … --"
    const text = line.slice(0, MAX_LINE_BYTES);
    if (lineTime('journal', text) || entries.length === 0) entries.push([text]);
    else entries.at(-1)!.push(text);
  }
  const clock = new LineClock('journal');
  return entries
    .reverse()
    .flat()
    .map((text) => clock.stamp(text));
}

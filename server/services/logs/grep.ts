/**
 * Searching a log file with the real `grep -E`. Its output is captured through the
 * exec door with a byte bound that keeps the newest bytes, so only the newest
 * matches are ever held in memory, however many the file has.
 */
import type { LogLine } from '../../../src/api/logs.js';
import type { exec as execDoor } from '../../../src/platform/exec.js';
import { ApiError } from '../../errors.js';
import { MAX_LINE_BYTES } from '../files/index.js';
import { OUTPUT_BUDGET_BYTES } from './files.js';
import { lineTime, type LineFormat } from './timestamps.js';
import { outOfMemory, patternTooCostly, SEARCH_CHILD } from './search-limits.js';
import { hasWindow, inWindow, type TimeWindow } from './window.js';

const GREP_TIMEOUT_MS = 60_000;

export interface GrepRequest {
  file: string;
  pattern: string;
  ignoreCase: boolean;
  context: number;
}

/** `-e PATTERN` and `--` keep a pattern or file that starts with "-" from being read as an option. */
export function grepArgv({ file, pattern, ignoreCase, context }: GrepRequest): string[] {
  return [
    'grep',
    '-E',
    '-n',
    '--binary-files=text',
    ...(ignoreCase ? ['-i'] : []),
    ...(context > 0 ? ['-C', String(context)] : []),
    '-e',
    pattern,
    '--',
    file,
  ];
}

export async function grepFile(
  exec: typeof execDoor,
  request: GrepRequest & { source: string; format: LineFormat; lines: number; window: TimeWindow },
): Promise<{ lines: LogLine[]; truncated: boolean; matched: number }> {
  const result = await exec(grepArgv(request), {
    timeoutMs: GREP_TIMEOUT_MS,
    maxOutputBytes: OUTPUT_BUDGET_BYTES,
    // One locale for every agent: UTF-8 aware character classes and -i.
    env: { ...process.env, LC_ALL: 'C.UTF-8' },
    limits: SEARCH_CHILD,
  });
  if (result.timedOut) {
    throw new ApiError(504, `grep on ${request.source} took longer than ${GREP_TIMEOUT_MS / 1000} s.`, {
      hint: 'Narrow the pattern, or use since/until.',
    });
  }
  if (result.code !== 0 && result.code !== 1) {
    if (outOfMemory(result.stderr)) throw patternTooCostly(SEARCH_CHILD);
    const reason =
      result.stderr
        .trim()
        .split('\n')
        .at(-1)
        ?.replace(/^grep: /, '') || `grep exited with code ${result.code}`;
    if (result.stderr.includes(request.file)) {
      throw new ApiError(500, `Cannot search ${request.source}: ${reason}.`, {
        hint: 'The agent needs read access to the file (e.g. membership in group adm).',
      });
    }
    throw new ApiError(400, `Invalid query parameter grep: ${reason}.`, {
      hint: 'grep takes an extended regular expression (grep -E), e.g. "error|fatal".',
    });
  }
  // With a window, a line whose time is unknown (a match in a stack trace shown without its head) is left out.
  const all = parseGrepOutput(result.stdout, result.truncated, request.format).filter(
    (line) => !hasWindow(request.window) || (line.ts !== undefined && inWindow(request.window, new Date(line.ts))),
  );
  const lines = all.slice(-request.lines);
  return {
    lines,
    truncated: result.truncated || all.length > lines.length,
    matched: lines.filter((line) => !line.context).length,
  };
}

/**
 * `12:text` is a match, `13-text` a context line, `--` separates groups. A line
 * without a time takes the one of the line before it in the same group (grep's
 * groups are runs of consecutive lines).
 */
export function parseGrepOutput(stdout: string, cutAtStart: boolean, format: LineFormat): LogLine[] {
  const raw = stdout.split('\n');
  if (raw.at(-1) === '') raw.pop();
  // The oldest bytes were dropped: the first line may be a fragment.
  if (cutAtStart) raw.shift();
  const lines: LogLine[] = [];
  let previous: { lineNumber: number; ts?: string } | undefined;
  for (const row of raw) {
    const m = /^(\d+)([:-])/.exec(row);
    if (!m) continue; // `--` between groups
    const lineNumber = Number(m[1]);
    const text = row.slice(m[0].length, m[0].length + MAX_LINE_BYTES);
    const own = lineTime(format, text)?.toISOString();
    const ts = own ?? (previous && previous.lineNumber === lineNumber - 1 ? previous.ts : undefined);
    lines.push({ text, ...(ts ? { ts } : {}), lineNumber, ...(m[2] === '-' ? { context: true } : {}) });
    previous = { lineNumber, ts };
  }
  return lines;
}

/**
 * The follow filter for a file: tail's lines are piped through the real
 * `grep --line-buffered -E`, a child process, instead of a JS RegExp. GNU grep runs
 * in linear time (back-references are refused), so a pattern such as `a*a*b` on a
 * long line an attacker wrote into an access log cannot freeze the agent's event
 * loop. The agent still reads every line tail prints, to give each one its time
 * (a kept line inherits the time of a skipped line above it); `grep -n` says which
 * line a match is. Both children end on the same signal, and when either ends the
 * other is ended too.
 */
import { PassThrough } from 'node:stream';
import type { LogLine } from '../../../src/api/logs.js';
import type { exec as execDoor, ExecResult } from '../../../src/platform/exec.js';
import { MAX_LINE_BYTES } from '../files/index.js';
import { LineSplitter } from './line-splitter.js';
import { LineClock, lineTime, type LineFormat } from './timestamps.js';
import { FOLLOW_CHILD, outOfMemory, patternTooCostly } from './search-limits.js';

/** Lines waiting for grep beyond this are dropped: a stalled grep costs lines, not memory. */
export const MAX_PENDING_BYTES = 4 * 1024 * 1024;
/** Time changes remembered for lines grep has not answered yet. */
const MAX_TIME_POINTS = 10_000;

/** `-e` and `--` keep a pattern starting with "-" a pattern; `-` is stdin. */
export function followGrepArgv(pattern: string, ignoreCase: boolean): string[] {
  return ['grep', '--line-buffered', '--binary-files=text', '-E', '-n', ...(ignoreCase ? ['-i'] : []), '-e', pattern, '--', '-'];
}

/** The time of each line fed to grep, kept as change points (first line number with a new time). */
export class LineTimes {
  private points: Array<{ line: number; ts: string | undefined }> = [];

  record(line: number, ts: string | undefined): void {
    if (this.points.length > 0 && this.points.at(-1)!.ts === ts) return;
    this.points.push({ line, ts });
    if (this.points.length > 2 * MAX_TIME_POINTS) this.points.splice(0, MAX_TIME_POINTS);
  }

  /** The time of `line`, or null when it is no longer known; earlier points are forgotten (grep answers in order). */
  at(line: number): string | undefined | null {
    let low = 0;
    let high = this.points.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.points[middle]!.line <= line) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    if (found < 0) return null;
    const { ts } = this.points[found]!;
    this.points.splice(0, found);
    return ts;
  }
}

export async function runFiltered(options: {
  exec: typeof execDoor;
  reader: string[];
  filter: string[];
  format: LineFormat;
  signal: AbortSignal;
  onLines: (lines: LogLine[]) => void;
}): Promise<{ reason: string }> {
  const { format, onLines } = options;
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  if (options.signal.aborted) abort();
  else options.signal.addEventListener('abort', abort, { once: true });

  const feed = new PassThrough();
  const clock = new LineClock(format);
  const times = new LineTimes();
  let fed = 0;
  const write = (text: string): void => {
    const { ts } = clock.stamp(text); // every line, so a kept one inherits a skipped one's time
    if (feed.writableEnded || feed.writableLength >= MAX_PENDING_BYTES) return;
    fed += 1;
    times.record(fed, ts);
    feed.write(`${text}\n`);
  };
  const emit = (rows: string[]): void => {
    const lines: LogLine[] = [];
    for (const row of rows) {
      const m = /^(\d+):/.exec(row);
      if (!m) continue;
      const text = row.slice(m[0].length);
      const known = times.at(Number(m[1]));
      const ts = known === null ? lineTime(format, text)?.toISOString() : known;
      lines.push(ts ? { text, ts } : { text });
    }
    if (lines.length > 0) onLines(lines);
  };

  const matches = new LineSplitter(MAX_LINE_BYTES + 32);
  const filtering = Promise.resolve()
    .then(() =>
      options.exec(options.filter, {
        signal: stop.signal,
        stdin: feed,
        maxOutputBytes: 64 * 1024,
        // One locale for every agent, as for grep on a whole file (logs-grep.ts).
        env: { ...process.env, LC_ALL: 'C.UTF-8' },
        limits: FOLLOW_CHILD,
        onStdout: (chunk) => emit(matches.push(chunk)),
      }),
    )
    .then((result) => {
      emit(matches.end());
      return result;
    })
    .finally(abort); // grep is gone: nothing would read tail's lines

  const lines = new LineSplitter(MAX_LINE_BYTES);
  const reading = Promise.resolve()
    .then(() =>
      options.exec(options.reader, {
        signal: stop.signal,
        maxOutputBytes: 64 * 1024,
        limits: FOLLOW_CHILD,
        onStdout: (chunk) => lines.push(chunk).forEach(write),
      }),
    )
    .then((result) => {
      lines.end().forEach(write);
      return result;
    })
    .finally(() => feed.end()); // tail is gone: grep reads what is left, then ends

  const [read, filtered] = await Promise.allSettled([reading, filtering]);
  options.signal.removeEventListener('abort', abort);
  if (options.signal.aborted) return { reason: 'stopped' };
  // tail stopped by us means grep ended first: grep says why.
  if (read.status === 'fulfilled' && read.value.aborted) return { reason: why(options.filter, filtered) };
  return { reason: why(options.reader, read) };
}

function why(argv: string[], settled: PromiseSettledResult<ExecResult>): string {
  if (settled.status === 'rejected') return settled.reason instanceof Error ? settled.reason.message : String(settled.reason);
  const result = settled.value;
  if (outOfMemory(result.stderr)) return `${argv[0]} stopped: ${patternTooCostly(FOLLOW_CHILD).message}`;
  if (result.signal === 'SIGXCPU')
    return `${argv[0]} stopped: it used the ${FOLLOW_CHILD.cpuSeconds} s of CPU time a follow may use; start it again`;
  const said = result.stderr.trim().split('\n').at(-1);
  return `${argv[0]} exited with ${result.code ?? result.signal}${said ? `: ${said}` : ''}`;
}

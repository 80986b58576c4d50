/**
 * Following a log: `tail -F` for a file, `journalctl -f` for a unit, run through
 * the exec door with an AbortSignal so the child ends when the reader goes away.
 * A pattern never runs in the agent's event loop: a file's lines go through the
 * real grep (logs-follow-filter.ts), the journal's through `journalctl --grep`
 * (PCRE2, with its match limits).
 *
 * tail is handed the file's checked real path, never its configured name, so a log
 * that is a symlink out of its folder is refused (403) before anything runs. `-F`
 * follows that path by name across rotations; a symlink swapped in there later is
 * refused at the next request.
 */
import type { LogFollowQuery, LogLine } from '../../../src/api/logs.js';
import type { exec as execDoor } from '../../../src/platform/exec.js';
import type { AgentConfig } from '../../config.js';
import { MAX_LINE_BYTES } from '../files/index.js';
import { followGrepArgv, runFiltered } from './follow-filter.js';
import { journalFollowArgv } from './journal.js';
import { LineSplitter } from './line-splitter.js';
import { compilePattern } from './pattern.js';
import { existingFile, findLogSource, refusePriorityOnFile } from './sources.js';
import { LineClock, type LineFormat } from './timestamps.js';
import { FOLLOW_CHILD, JOURNAL_CHILD } from './search-limits.js';

/** Everything checked and built before the stream opens, so a bad request is still a plain 4xx. */
export interface FollowPlan {
  source: string;
  /** The reader: tail -F or journalctl -f. */
  argv: string[];
  format: LineFormat;
  /** For a file with a pattern: the grep that tail's lines go through. */
  filter?: string[];
}

/** -F follows the name, so a rotated log (logrotate) keeps flowing. */
export function tailFollowArgv(file: string, lines: number): string[] {
  return ['tail', '-n', String(lines), '-F', '--', file];
}

/** One argv entry with "=": a pattern starting with "-" stays a pattern. */
export function journalGrepArgs(pattern: string, ignoreCase: boolean): string[] {
  return [`--grep=${pattern}`, `--case-sensitive=${ignoreCase ? 'false' : 'true'}`];
}

export async function planFollow(options: { config: AgentConfig; source: string; query: LogFollowQuery }): Promise<FollowPlan> {
  const { query } = options;
  const source = findLogSource(options.config, options.source);
  refusePriorityOnFile(source, query.priority);
  // Checked for every engine, so a bad or risky pattern is a 400 before anything runs.
  if (query.grep !== undefined) compilePattern(query.grep, query.ignoreCase);
  if (source.kind === 'journal') {
    const argv = journalFollowArgv({ unit: source.unit, lines: query.lines, priority: query.priority });
    return {
      source: source.name,
      argv: [...argv, ...(query.grep !== undefined ? journalGrepArgs(query.grep, query.ignoreCase) : [])],
      format: 'journal',
    };
  }
  const argv = tailFollowArgv(await existingFile(source), query.lines);
  return {
    source: source.name,
    argv,
    format: source.format,
    ...(query.grep !== undefined ? { filter: followGrepArgv(query.grep, query.ignoreCase) } : {}),
  };
}

/**
 * Runs the plan until `signal` aborts or the child ends; says why it ended. Lines come
 * in batches, one per chunk the child printed (hundreds at a high rate), never one call per line.
 */
export async function runFollow(options: {
  exec: typeof execDoor;
  plan: FollowPlan;
  signal: AbortSignal;
  onLines: (lines: LogLine[]) => void;
}): Promise<{ reason: string }> {
  const { plan, onLines } = options;
  if (plan.filter) {
    return runFiltered({
      exec: options.exec,
      reader: plan.argv,
      filter: plan.filter,
      format: plan.format,
      signal: options.signal,
      onLines,
    });
  }
  const splitter = new LineSplitter(MAX_LINE_BYTES);
  const clock = new LineClock(plan.format);
  const emit = (texts: string[]): void => {
    const lines: LogLine[] = [];
    for (const text of texts) {
      if (plan.format === 'journal' && text.startsWith('-- ') && /^-- .* --$/.test(text)) continue; // journalctl's own notes
      lines.push(clock.stamp(text));
    }
    if (lines.length > 0) onLines(lines);
  };
  try {
    const result = await options.exec(plan.argv, {
      signal: options.signal,
      maxOutputBytes: 64 * 1024,
      limits: plan.format === 'journal' ? JOURNAL_CHILD : FOLLOW_CHILD,
      onStdout: (chunk) => emit(splitter.push(chunk)),
    });
    emit(splitter.end());
    if (result.aborted) return { reason: 'stopped' };
    const said = result.stderr.trim().split('\n').at(-1);
    return { reason: `${plan.argv[0]} exited with ${result.code ?? result.signal}${said ? `: ${said}` : ''}` };
  } catch (error) {
    return { reason: (error as Error).message };
  }
}

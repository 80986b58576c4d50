/**
 * Following a log: `tail -F` for a file, `journalctl -f` for a unit, run through
 * the exec door with an AbortSignal so the child ends when the reader goes away.
 * Lines are filtered here, one by one, with the pattern compiled once.
 */
import type { LogFollowQuery, LogLine } from '../../src/api/logs.js';
import type { exec as execDoor } from '../../src/exec.js';
import type { AgentConfig } from '../config.js';
import { MAX_LINE_BYTES } from './logs-backward.js';
import { journalFollowArgv } from './logs-journal.js';
import { LineSplitter } from './logs-line-splitter.js';
import { compilePattern } from './logs-pattern.js';
import { existingFile, findLogSource, refusePriorityOnFile } from './logs-sources.js';
import { LineClock, type LineFormat } from './logs-timestamps.js';

/** Everything checked and built before the stream opens, so a bad request is still a plain 4xx. */
export interface FollowPlan {
  source: string;
  argv: string[];
  format: LineFormat;
  filter?: RegExp;
}

/** -F follows the name, so a rotated log (logrotate) keeps flowing. */
export function tailFollowArgv(file: string, lines: number): string[] {
  return ['tail', '-n', String(lines), '-F', '--', file];
}

export async function planFollow(options: { config: AgentConfig; source: string; query: LogFollowQuery }): Promise<FollowPlan> {
  const { query } = options;
  const source = findLogSource(options.config, options.source);
  refusePriorityOnFile(source, query.priority);
  const filter = query.grep !== undefined ? compilePattern(query.grep, query.ignoreCase) : undefined;
  if (source.kind === 'journal') {
    return { source: source.name, argv: journalFollowArgv({ unit: source.unit, lines: query.lines, priority: query.priority }), format: 'journal', filter };
  }
  return { source: source.name, argv: tailFollowArgv(await existingFile(source), query.lines), format: source.format, filter };
}

/** Runs the plan until `signal` aborts or the child ends; says why it ended. */
export async function runFollow(options: {
  exec: typeof execDoor;
  plan: FollowPlan;
  signal: AbortSignal;
  onLine: (line: LogLine) => void;
}): Promise<{ reason: string }> {
  const { plan, onLine } = options;
  const splitter = new LineSplitter(MAX_LINE_BYTES);
  const clock = new LineClock(plan.format);
  const emit = (text: string): void => {
    if (plan.format === 'journal' && /^-- .* --$/.test(text)) return; // journalctl's own notes
    const line = clock.stamp(text); // before filtering, so a kept line still inherits a skipped line's time
    if (!plan.filter || plan.filter.test(text)) onLine(line);
  };
  try {
    const result = await options.exec(plan.argv, {
      signal: options.signal,
      maxOutputBytes: 64 * 1024,
      onStdout: (chunk) => splitter.push(chunk).forEach(emit),
    });
    splitter.end().forEach(emit);
    if (result.aborted) return { reason: 'stopped' };
    const said = result.stderr.trim().split('\n').at(-1);
    return { reason: `${plan.argv[0]} exited with ${result.code ?? result.signal}${said ? `: ${said}` : ''}` };
  } catch (error) {
    return { reason: (error as Error).message };
  }
}

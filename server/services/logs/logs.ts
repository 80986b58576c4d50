/**
 * Reading logs: the source is looked up in the allow-list, the query is checked,
 * then the journal or the file answers. Following lives in follow.ts.
 */
import type { LogLinesResponse, LogQuery } from '../../../src/api/logs.js';
import type { AgentDeps } from '../../env.js';
import { ApiError } from '../../errors.js';
import { readFileLines } from './files.js';
import { grepFile } from './grep.js';
import { readJournal } from './journal.js';
import { compilePattern } from './pattern.js';
import { existingFile, findLogSource, refusePriorityOnFile } from './sources.js';
import { resolveWindow } from './window.js';
import { searchSlots } from './search-limits.js';

export async function readLog(options: {
  deps: Pick<AgentDeps, 'config' | 'exec' | 'clock'>;
  source: string;
  query: LogQuery;
  /** Who asks (credentialOf): a search holds one of their search slots while grep runs. */
  credential: string;
}): Promise<LogLinesResponse> {
  const { query } = options;
  if (query.grep === undefined) return answer(options);
  return searchSlots(options.deps).searches.run(options.credential, () => answer(options));
}

async function answer(options: {
  deps: Pick<AgentDeps, 'config' | 'exec' | 'clock'>;
  source: string;
  query: LogQuery;
}): Promise<LogLinesResponse> {
  const { deps, query } = options;
  const source = findLogSource(deps.config, options.source);
  const window = resolveWindow(query, deps.clock());
  // Checked here for every engine, so a bad or risky pattern is a 400 before anything runs.
  if (query.grep !== undefined) compilePattern(query.grep, query.ignoreCase);
  else if (query.context > 0)
    throw new ApiError(400, 'Invalid query parameter context: it only applies with grep.', { hint: 'Add grep=PATTERN, or drop context.' });
  if (source.kind === 'journal') {
    const { lines, grep, ignoreCase, context, priority } = query;
    const read = await readJournal(deps.exec, {
      unit: source.unit,
      lines,
      grep,
      ignoreCase,
      context,
      priority,
      window,
      source: source.name,
    });
    return { source: source.name, ...read };
  }
  refusePriorityOnFile(source, query.priority);
  const file = await existingFile(source);
  if (query.grep !== undefined) {
    const { lines, ignoreCase, context } = query;
    const found = await grepFile(deps.exec, {
      file,
      pattern: query.grep,
      ignoreCase,
      context,
      lines,
      window,
      source: source.name,
      format: source.format,
    });
    return { source: source.name, ...found };
  }
  const read = await readFileLines({ file, format: source.format, lines: query.lines, window });
  return { source: source.name, ...read };
}

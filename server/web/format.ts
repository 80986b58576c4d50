import { formatBytes } from '../../src/core/format.js';

/** Small formatters shared by the pages (and kept free of HTML). */
/** "187.7 MiB", or "–" when unknown. */
export function bytes(value: number | null | undefined): string {
  const short = formatBytes(value);
  return short === '–' ? short : short.replace(/([KMGT])$/, ' $1iB').replace(/(\d)B$/, '$1 B');
}

export function stateClass(activeState: string): string {
  if (activeState === 'active') return 'ok';
  if (activeState === 'failed' || activeState === 'inactive') return 'bad';
  return 'warn';
}

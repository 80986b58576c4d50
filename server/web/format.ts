import { formatBytes } from '../../src/core/format.js';

/** Small formatters shared by the pages (and kept free of HTML). */
/** "187.7 MiB", or "–" when unknown. */
export function bytes(value: number | null | undefined): string {
  const short = formatBytes(value);
  return short === '–' ? short : short.replace(/([KMGT])$/, ' $1iB').replace(/(\d)B$/, '$1 B');
}

export function ago(iso: string | null | undefined, now: Date): string {
  if (!iso) return '–';
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}

export function stateClass(activeState: string): string {
  if (activeState === 'active') return 'ok';
  if (activeState === 'failed' || activeState === 'inactive') return 'bad';
  return 'warn';
}

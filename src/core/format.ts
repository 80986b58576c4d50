/** Sizes and times for people, shared by the CLI, the TUI and the web pages. */

/** Sizes for people, shared by the CLI, the TUI and the web pages: "187.7M". */
export function formatBytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const units = ['B', 'K', 'M', 'G', 'T'];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit += 1;
  }
  return `${n.toFixed(unit === 0 ? 0 : 1)}${units[unit]}`;
}

/** "2026-11-25 18:02:11Z": an ISO time for a table; `–` when there is none. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–';
}

export function formatSince(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return '–';
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d`;
}

/** "3h4m ago": how long ago, the one wording of every view; `–` when there is no time. */
export function formatAgo(iso: string | null | undefined, now = new Date()): string {
  return iso ? `${formatSince(iso, now)} ago` : '–';
}

/** A unit's name as the views list it: a worker indented under its app (`└ cigar-worker`). */
export function unitLabel(unit: { name: string; kind: string }): string {
  return unit.kind === 'worker' ? `└ ${unit.name}` : unit.name;
}

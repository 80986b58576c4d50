/** The log panel's and the status line's text: pure. */
import type { AppsResponse } from '../../src/api/apps.js';
import type { LogLine } from '../../src/api/logs.js';
import { sourceName } from '../../src/core/log-lines.js';
import { printable } from '../../src/core/text.js';
import { isHmsError } from '../../src/core/errors.js';

/** When nothing else is known: nginx's error log is on every server hms sets up. */
export const FALLBACK_LOG_SOURCE = 'nginx:error';

/**
 * The log to follow: the one named on the command line (`hms monitor cigar`,
 * `hms monitor journal:agent`), else the first app's production log, else nginx's
 * error log. Undefined while the apps are not known yet.
 */
export function logSourceFor(args: readonly string[], snapshot: AppsResponse | undefined): string | undefined {
  if (args[0]) return sourceName(args[0]);
  if (!snapshot) return undefined;
  const app = snapshot.apps.find((a) => a.kind === 'app');
  return app ? sourceName(app.name) : FALLBACK_LOG_SOURCE;
}

/** `2026-11-25 18:02:11  text`, in UTC like `hms logs`; `-` for a line with no time. */
export function logLineText(line: LogLine): string {
  return `${line.ts ? stamp(line.ts) : '-'.padEnd(19)}  ${printable(line.text)}`;
}

/** hms's own words in the panel, stamped with the time they were said. */
export function noteText(at: Date, text: string): string {
  return `${stamp(at.toISOString())}  hms: ${printable(text)}`;
}

/** What went wrong and what to do next, on one line. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const hint = isHmsError(error) ? error.hint : undefined;
  return hint ? `${message} ${hint}` : message;
}

export interface StatusState {
  server: string;
  refreshMs: number;
  hostname?: string | undefined;
  /** When the last refresh came back. */
  updatedAt?: string | undefined;
  error?: string | undefined;
  retryInMs?: number | undefined;
}

/** One line: where, whether all is well, the keys, then (it may be cut off) the error. */
export function statusText(state: StatusState): string {
  const where = state.hostname ? `${state.server} (${state.hostname})` : state.server;
  if (state.error) {
    const retry = state.retryInMs === undefined ? '' : ` retrying in ${Math.round(state.retryInMs / 1000)} s ·`;
    return `${where} ✗${retry} q quit · ${state.error}`;
  }
  const updated = state.updatedAt ? `updated ${stamp(state.updatedAt).slice(11)} UTC, every ${state.refreshMs / 1000} s` : 'connecting…';
  return `${where} ● ${updated} · q quit`;
}

/**
 * A panel line folded to `width` cells, at most `maxRows` rows (the last one ends in
 * `…`); the rows after the first are indented past the time stamp.
 */
export function foldLine(text: string, width: number, maxRows = 3): string[] {
  const indent = ' '.repeat(STAMP_WIDTH);
  const rows: string[] = [];
  let rest = text;
  while (rest.length > 0 && rows.length < maxRows) {
    const room = rows.length === 0 ? width : width - indent.length;
    if (room <= 0) return [text.slice(0, Math.max(1, width))];
    // Break after the last space that leaves the row at least half full, else mid-word.
    const space = rest.length > room ? rest.lastIndexOf(' ', room) : -1;
    const cut = space > room / 2 ? space + 1 : room;
    const row = rest.slice(0, cut).trimEnd();
    rows.push(rows.length === 0 ? row : indent + row);
    rest = rest.slice(cut);
  }
  if (rest.length > 0) rows[rows.length - 1] = `${rows[rows.length - 1]!.slice(0, width - 1)}…`;
  return rows.length > 0 ? rows : [''];
}

/** `2026-11-25 18:02:11  `: the time and the two spaces after it. */
const STAMP_WIDTH = 21;

function stamp(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso.slice(0, 19) : date.toISOString().slice(0, 19).replace('T', ' ');
}

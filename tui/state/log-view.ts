/**
 * The log view's data: which logs make up an app's combined view, how a batch of
 * lines from several streams is ordered, and which lines of the ring buffer the
 * screen shows (only the visible window is ever built).
 */
import type { AppKind } from '../../src/api/apps.js';
import { printable } from '../../src/core/text.js';
import { passes, type TextFilter } from './log-filter.js';
import type { RingBuffer } from './ring-buffer.js';

export interface LogEntry {
  /** The log it came from (`cigar:production`, `cigar:nginx`), or `hms` for our own notes. */
  source: string;
  /** Already made printable: control characters are shown, never obeyed. */
  text: string;
  ts?: string | undefined;
}

export const NOTE_SOURCE = 'hms';
export const DEFAULT_LOG_CAPACITY = 50_000;

/** An app's puma log next to nginx's; a worker's journal; nginx and the agent have their own. */
export function logSourcesFor(name: string, kind: AppKind): string[] {
  if (kind === 'nginx') return ['nginx:access', 'nginx:error'];
  if (kind === 'agent') return ['journal:agent'];
  if (kind === 'worker') return [`journal:${name}`];
  return [`${name}:production`, `${name}:nginx`];
}

export function logEntry(source: string, text: string, ts?: string): LogEntry {
  return { source, text: printable(text), ts };
}

/**
 * Lines that arrived together from several streams, in time order (stable, so one
 * stream's own order never changes; lines without a time keep their place).
 */
export function orderBatch(batch: LogEntry[]): LogEntry[] {
  const sources = new Set(batch.map((entry) => entry.source));
  if (sources.size < 2 || batch.some((entry) => entry.ts === undefined)) return batch;
  return batch
    .map((entry, index) => ({ entry, index, at: Date.parse(entry.ts!) }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ entry }) => entry);
}

export interface LogWindowRequest {
  filter: TextFilter;
  /** Absolute position just after the newest line shown (the buffer's total when following). */
  end: number;
  /** Matching lines skipped from the bottom (scrolled up). */
  offset: number;
  height: number;
}

export interface LogWindow {
  lines: LogEntry[];
  /** Matching lines exist above the window. */
  more: boolean;
}

/** The newest `height` matching lines before `end`, skipping `offset`; our own notes always show. */
export function logWindow(buffer: RingBuffer<LogEntry>, request: LogWindowRequest): LogWindow {
  const lines: LogEntry[] = [];
  let skip = request.offset;
  let position = Math.min(request.end, buffer.total) - 1;
  for (; position >= buffer.first && lines.length < request.height; position -= 1) {
    const entry = buffer.at(position)!;
    if (entry.source !== NOTE_SOURCE && !passes(request.filter, entry.text)) continue;
    if (skip > 0) skip -= 1;
    else lines.push(entry);
  }
  let more = false;
  for (; position >= buffer.first && !more; position -= 1) {
    const entry = buffer.at(position)!;
    more = entry.source === NOTE_SOURCE || passes(request.filter, entry.text);
  }
  return { lines: lines.reverse(), more };
}

/** `10:02:03.456` from an ISO time, for the timestamp column. */
export function clockTime(ts: string | undefined): string {
  if (!ts) return '--:--:--.---';
  const match = /T(\d{2}:\d{2}:\d{2})(\.\d{1,3})?/.exec(ts);
  return match ? `${match[1]}${(match[2] ?? '.000').padEnd(4, '0')}` : ts.slice(0, 12);
}

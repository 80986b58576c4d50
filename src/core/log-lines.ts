/** How log lines and sources read on the laptop, the same in the CLI, the TUI and the monitor. */
import type { LogLine } from '../api/logs.js';
import { printable } from './text.js';

/**
 * An app's name means its production log; a worker's or a scheduled task's unit name (`cigar-worker`, among
 * `journals`) its journal; a full source name (`journal:cigar`, `nginx:error`) is used as is.
 */
export function sourceName(name: string, journals: ReadonlySet<string> = new Set()): string {
  if (name.includes(':')) return name;
  return journals.has(name) ? `journal:${name}` : `${name}:production`;
}

/** `2026-11-25T18:02:11.000Z  text`; a line with no time of its own before any timed line shows `-`. */
export function formatLine(line: LogLine): string {
  return `${(line.ts ?? '-').padEnd(24)}  ${printable(line.text)}`;
}

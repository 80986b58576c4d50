/** How log lines and sources read on the laptop, the same in the CLI, the TUI and the monitor. */
import type { LogLine } from '../api/logs.js';
import { printable } from './text.js';

/** An app's name means its production log; a full source name (`journal:cigar`, `nginx:error`) is used as is. */
export function sourceName(name: string): string {
  return name.includes(':') ? name : `${name}:production`;
}

/** `2026-11-25T18:02:11.000Z  text`; a line with no time of its own before any timed line shows `-`. */
export function formatLine(line: LogLine): string {
  return `${(line.ts ?? '-').padEnd(24)}  ${printable(line.text)}`;
}

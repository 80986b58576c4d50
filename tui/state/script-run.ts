/**
 * A script run as the scripts screen shows it: output lines as chunks arrive
 * (stdout and stderr kept apart), and what the exit code means in the Nagios
 * convention of remote-cli-tools.
 */
import type { ScriptExit } from '../../src/api/scripts.js';
import { printable } from '../../src/core/text.js';

export interface OutputLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ScriptOutput {
  lines: OutputLine[];
  /** The unfinished last line of each stream. */
  partial: Record<'stdout' | 'stderr', string>;
}

export const MAX_OUTPUT_LINES = 10_000;

export const emptyOutput = (): ScriptOutput => ({ lines: [], partial: { stdout: '', stderr: '' } });

export function appendOutput(output: ScriptOutput, stream: 'stdout' | 'stderr', chunk: string): ScriptOutput {
  const pieces = (output.partial[stream] + chunk).split('\n');
  const partial = pieces.pop() ?? '';
  const lines = [...output.lines, ...pieces.map((text) => ({ stream, text: printable(text) }))].slice(-MAX_OUTPUT_LINES);
  return { lines, partial: { ...output.partial, [stream]: partial } };
}

/** Everything, with unfinished lines as they are. */
export function outputLines(output: ScriptOutput): OutputLine[] {
  const rest = (['stdout', 'stderr'] as const)
    .filter((stream) => output.partial[stream] !== '')
    .map((stream) => ({ stream, text: printable(output.partial[stream]) }));
  return [...output.lines, ...rest];
}

export type ExitLevel = 'ok' | 'warning' | 'critical' | 'unknown';

export function exitMeaning(exit: ScriptExit): { label: string; level: ExitLevel } {
  const seconds = `${(exit.durationMs / 1000).toFixed(1)} s`;
  if (exit.timedOut) return { label: `TIMED OUT after ${seconds}`, level: 'critical' };
  if (exit.code === null) return { label: `KILLED by ${exit.signal ?? 'a signal'} after ${seconds}`, level: 'critical' };
  const names: Record<number, [string, ExitLevel]> = {
    0: ['OK', 'ok'],
    1: ['WARNING', 'warning'],
    2: ['CRITICAL', 'critical'],
    3: ['UNKNOWN', 'unknown'],
  };
  const [name, level] = names[exit.code] ?? [`FAILED`, 'critical'];
  return { label: `exit ${exit.code} ${name} (${seconds})`, level };
}

/** `--days 3 /var` into argv, as the args prompt takes it: split on spaces, nothing interpreted. */
export function parseArgs(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

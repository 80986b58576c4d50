import { isHmsError } from '../core/errors.js';
import type { CommandContext, CommandOutput } from './command.js';

export interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function printOutput(output: CommandOutput, json: boolean, streams: Streams): void {
  const text = json ? JSON.stringify(output.data, null, 2) : output.human;
  if (text) streams.stdout.write(`${text}\n`);
}

/** The one place errors are printed. Stack traces only with --verbose. */
export function printError(error: unknown, options: { json: boolean; verbose: boolean }, streams: Streams): number {
  const known = isHmsError(error);
  const message = error instanceof Error ? error.message : String(error);
  const hint = known ? error.hint : 'This is a bug in hms: please report it with the output of --verbose.';
  if (options.json) streams.stdout.write(`${JSON.stringify({ error: message, hint }, null, 2)}\n`);
  streams.stderr.write(`hms: ${message}\n`);
  if (hint) streams.stderr.write(`  ${hint}\n`);
  if (options.verbose && error instanceof Error) {
    streams.stderr.write(`${error.stack}\n`);
    if (error.cause instanceof Error) streams.stderr.write(`caused by: ${error.cause.stack}\n`);
  }
  return known ? error.exitCode : 1;
}

/** Colour where a person reads a terminal (FORCE_COLOR asks for it elsewhere); never with NO_COLOR or --json. */
export function colorOn(context: Pick<CommandContext, 'flags' | 'env'>): boolean {
  if (context.flags.json || context.env.NO_COLOR) return false;
  return Boolean(context.env.FORCE_COLOR) || Boolean((process.stdout as { isTTY?: boolean }).isTTY);
}

export const RED = (text: string): string => `\u001b[31m${text}\u001b[39m`;
export const YELLOW = (text: string): string => `\u001b[33m${text}\u001b[39m`;

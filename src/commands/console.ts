/**
 * `hms console <app>`: `bin/rails console` of the app on its server, in this terminal.
 * The agent writes a one-use ticket (the app's environment, its release) that only the
 * deploy user can read; an SSH session as that user, with a terminal of this one's size,
 * runs the agent's launcher on it. Keys go through raw (Ctrl-C to the console, not to
 * hms), resizes follow, and this terminal is put back however the session ends.
 */
import type { ClientChannel } from 'ssh2';
import { consoleTicketSchema } from '../api/console.js';
import { apiPaths } from '../api/paths.js';
import { HmsError, UsageError } from '../core/errors.js';
import { withApp } from './app-command.js';
import type { Command } from './command.js';

const USAGE = 'hms console <app>';

export const consoleCommand: Command = {
  name: 'console',
  summary: "Open the app's Rails console on its server, in this terminal (through SSH, with the app's environment); audited",
  usage: [USAGE],
  flags: [],
  examples: ['hms console cigar'],
  run: (context) => {
    if (context.flags.readonly) throw new UsageError('--readonly: no console is opened.', 'Run it without --readonly.');
    return withApp(context, USAGE, async (app, connected) => {
      if (!connected.ssh) {
        throw new HmsError(`A console needs the SSH connection to ${connected.name}.`, {
          hint: 'Leave out --via https and --local: the console runs in an SSH session with a terminal.',
        });
      }
      const ticket = await connected.client.call(consoleTicketSchema, apiPaths.apps.console(app), { method: 'POST' });
      const ssh = await connected.ssh();
      const out = process.stdout;
      const window = { term: process.env.TERM || 'xterm-256color', rows: out.rows || 24, cols: out.columns || 80 };
      const code = await attachTerminal(await ssh.openTerminal(ticket.argv, window), process.stdin, out);
      return { data: { app, code }, human: '', exitCode: code };
    });
  },
};

/** Wires the session to this terminal until it ends; answers its exit code. The terminal is restored on every path. */
export function attachTerminal(channel: ClientChannel, stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): Promise<number> {
  const raw = stdin.isTTY && !stdin.isRaw;
  const resize = () => channel.setWindow(stdout.rows || 24, stdout.columns || 80, 0, 0);
  return new Promise<number>((resolve) => {
    let code = 255;
    const restore = () => {
      stdout.off('resize', resize);
      stdin.unpipe(channel);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
    };
    if (raw) stdin.setRawMode(true);
    stdin.pipe(channel);
    stdin.resume();
    channel.pipe(stdout, { end: false });
    channel.stderr.pipe(process.stderr, { end: false });
    stdout.on('resize', resize);
    channel.on('exit', (exitCode: number | null, signal?: string) => {
      code = exitCode ?? (signal ? 128 : 255);
    });
    channel.on('close', () => {
      restore();
      resolve(code);
    });
    channel.on('error', () => {
      restore();
      resolve(255);
    });
  });
}

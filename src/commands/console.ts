/**
 * `hms console <app>`: `bin/rails console` of the app on its server, in this terminal
 * (src/client/console.ts: the ticket, the SSH session with a terminal, the wiring).
 */
import { attachTerminal, openConsole, terminalWindow } from '../client/console.js';
import { UsageError } from '../core/errors.js';
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
      const channel = await openConsole(connected, app, terminalWindow(process.stdout, context.env));
      const { code } = await attachTerminal(channel, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
      return { data: { app, code }, human: '', exitCode: code };
    });
  },
};

/**
 * `hms console <app>`: `bin/rails console` of the app on its server, in this terminal
 * (src/client/console.ts: the ticket, the SSH session with a terminal, the wiring).
 */
import { attachTerminal, openConsole, terminalWindow } from '../client/console.js';
import { UsageError } from '../core/errors.js';
import { withApp } from './app-command.js';
import type { Command } from './command.js';
import { CONSOLE_USAGE, consoleHelp } from './help/index.js';

export const consoleCommand: Command = {
  ...consoleHelp,
  run: (context) => {
    if (context.flags.readonly) throw new UsageError('--readonly: no console is opened.', 'Run it without --readonly.');
    return withApp(context, CONSOLE_USAGE, async (app, connected) => {
      const channel = await openConsole(connected, app, terminalWindow(process.stdout, context.env));
      const { code } = await attachTerminal(channel, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
      return { data: { app, code }, human: '', exitCode: code };
    });
  },
};

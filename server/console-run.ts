/**
 * `hms-agent console-run <ticket>`: run by the laptop's SSH session as the deploy user,
 * with a terminal. Reads the ticket the agent wrote (server/services/console), deletes
 * it, and hands the terminal to the console in the app's release with the app's
 * environment. Ctrl-C and window changes reach the console (the terminal's foreground
 * group); this process waits and passes its exit code on. No configuration is read: the
 * deploy user cannot, and needs none.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { constants } from 'node:os';
import path from 'node:path';
import { consoleTicketFileSchema } from '../src/api/console.js';
import { HmsError } from '../src/core/errors.js';

const TICKET_NAME = /^[0-9a-f]{32}\.json$/;

export async function runConsoleTicket(file: string): Promise<number> {
  if (!path.isAbsolute(file) || !TICKET_NAME.test(path.basename(file))) {
    throw new HmsError(`${JSON.stringify(file.slice(0, 100))} is not a console ticket.`, {
      hint: 'Open a console with `hms console <app>`.',
    });
  }
  const text = await readFile(file, 'utf8').catch(() => undefined);
  await rm(file, { force: true });
  if (text === undefined)
    throw new HmsError('This console ticket was used already, or is gone.', { hint: 'Run `hms console <app>` again.' });
  const ticket = consoleTicketFileSchema.parse(JSON.parse(text));
  if (Date.parse(ticket.expires) < Date.now())
    throw new HmsError('This console ticket has expired.', { hint: 'Run `hms console <app>` again.' });
  // The terminal is the console's now: its Ctrl-C and Ctrl-\ are not for this process.
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  process.on('SIGQUIT', ignore);
  const child = spawn(ticket.argv[0]!, ticket.argv.slice(1), { cwd: ticket.cwd, env: ticket.env, stdio: 'inherit' });
  return new Promise<number>((resolve, reject) => {
    child.on('error', (error) => reject(new HmsError(`${ticket.argv.join(' ')} could not be started in ${ticket.cwd}: ${error.message}`)));
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
  }).finally(() => {
    process.off('SIGINT', ignore);
    process.off('SIGQUIT', ignore);
  });
}

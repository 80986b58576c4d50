/**
 * The Rails console of an app on its server, in a terminal of this laptop: `hms console`
 * and the TUI's `c` both open it here. The agent writes a one-use ticket (the app's
 * environment, its release) that only the deploy user can read; an SSH session as that
 * user, with a terminal of this one's size, runs the agent's launcher on it. Keys go
 * through raw (Ctrl-C to the console, not to hms), resizes follow, and the terminal is
 * put back however the session ends.
 */
import { consoleTicketSchema } from '../api/console.js';
import { apiPaths } from '../api/paths.js';
import { HmsError } from '../core/errors.js';
import type { SshConnection } from '../ssh/connection.js';
import type { Connected } from './connect.js';

/** The SSH session with a terminal the console runs in. */
export type ConsoleChannel = Awaited<ReturnType<SshConnection['openTerminal']>>;

export interface TerminalWindow {
  term: string;
  rows: number;
  cols: number;
}

/** The terminal a console is wired to: the laptop's own, in raw mode while the console has it. */
export interface ConsoleTerminal {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WritableStream;
}

/** How the session ended: the console exited (with its code), or the connection went first. */
export interface ConsoleEnd {
  code: number;
  lost: boolean;
}

export const LOST_CODE = 255;

export function terminalWindow(stdout: NodeJS.WriteStream, env: NodeJS.ProcessEnv): TerminalWindow {
  return { term: env.TERM || 'xterm-256color', rows: stdout.rows || 24, cols: stdout.columns || 80 };
}

/**
 * Asks the agent for a ticket (audited there) and opens the SSH session with a terminal,
 * on the connection the agent is reached through. Nothing is wired to the terminal yet,
 * so a failure here leaves it as it is.
 */
export async function openConsole(connected: Connected, app: string, window: TerminalWindow): Promise<ConsoleChannel> {
  if (!connected.ssh) {
    throw new HmsError(`A console needs the SSH connection to ${connected.name}.`, {
      hint: 'Leave out --via https and --local: the console runs in an SSH session with a terminal.',
    });
  }
  const ticket = await connected.client.call(consoleTicketSchema, apiPaths.apps.console(app), { method: 'POST' });
  const ssh = await connected.ssh();
  return ssh.openTerminal(ticket.argv, window);
}

/** Wires the session to the terminal until it ends; answers how it ended. The terminal is restored on every path. */
export function attachTerminal(channel: ConsoleChannel, terminal: ConsoleTerminal): Promise<ConsoleEnd> {
  const { stdin, stdout, stderr } = terminal;
  const raw = stdin.isTTY === true && !stdin.isRaw;
  const resize = () => channel.setWindow(stdout.rows || 24, stdout.columns || 80, 0, 0);
  return new Promise<ConsoleEnd>((resolve) => {
    let exit: number | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      stdout.off('resize', resize);
      stdin.unpipe(channel);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      channel.unpipe(stdout);
      channel.stderr.unpipe(stderr);
      resolve(exit === undefined ? { code: LOST_CODE, lost: true } : { code: exit, lost: false });
    };
    if (raw) stdin.setRawMode(true);
    stdin.pipe(channel);
    stdin.resume();
    channel.pipe(stdout, { end: false });
    channel.stderr.pipe(stderr, { end: false });
    stdout.on('resize', resize);
    channel.on('exit', (code: number | null, signal?: string) => {
      exit = code ?? (signal ? 128 : LOST_CODE);
    });
    channel.on('close', finish);
    channel.on('error', finish);
  });
}

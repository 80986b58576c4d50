/**
 * `c` on an app: its Rails console in this terminal. The ticket and the SSH session are
 * opened first, on the connection the TUI already has to the server (a failure is a
 * notice, the screen untouched); then the TUI lends the terminal (tui/terminal.ts
 * `handOver`: no frames drawn, the keys passed on, raw mode handed over) until the console ends,
 * and is back on the same screen with the same selection.
 */
import { useCallback } from 'react';
import { attachTerminal, openConsole, terminalWindow } from '../../src/client/console.js';
import type { TuiSession } from '../session.js';
import { errorNotice, type Notify } from './use-notice.js';

export interface ConsoleRequest {
  server: string;
  app: string;
}

export function useConsole(
  session: Pick<TuiSession, 'connections' | 'terminal' | 'env'>,
  notify: Notify,
  onDone: () => void,
): (request: ConsoleRequest) => Promise<void> {
  return useCallback(
    async ({ server, app }: ConsoleRequest) => {
      const { terminal } = session;
      notify('info', `opening the console of ${app} on ${server}…`);
      try {
        const connected = await session.connections.get(server);
        const channel = await openConsole(connected, app, terminalWindow(terminal.stdout, session.env));
        const stdio = { stdin: terminal.stdin, stdout: terminal.stdout, stderr: terminal.stdout };
        const end = await terminal.handOver(() => attachTerminal(channel, stdio));
        if (end.lost) notify('error', `The console of ${app} on ${server} ended: the connection to ${server} was lost.`);
        else notify(end.code === 0 ? 'ok' : 'warn', `The console of ${app} on ${server} ended (exit ${end.code}).`);
      } catch (error) {
        const { text, hint } = errorNotice(error);
        notify('error', `The console of ${app} on ${server} did not open: ${text}`, hint);
      } finally {
        onDone();
      }
    },
    [session, notify, onDone],
  );
}

/**
 * POST /api/apps/:name/console: a console ticket. The agent writes what the console
 * needs (the app's environment, its release folder, the command) into a file only the
 * deploy user can read, on /run (memory, never disk), and answers the argv that an SSH
 * session with a terminal runs as that user: the agent's launcher reads the ticket,
 * deletes it, and hands the terminal to `bin/rails console`. Audited when opened.
 */
import { z } from 'zod';
import { lazy } from './lazy.js';

export const consoleTicketSchema = lazy(() =>
  z.object({
    app: z.string(),
    /** Run over SSH (as the deploy user, with a PTY): the launcher and the ticket's path. */
    argv: z.array(z.string()).min(1),
    /** The ticket is refused after this (ISO 8601): it is for the session opened right now. */
    expires: z.string(),
  }),
);
export type ConsoleTicket = z.infer<typeof consoleTicketSchema>;

/** What the ticket file holds (read by the launcher on the server). */
export const consoleTicketFileSchema = lazy(() =>
  z.object({
    app: z.string(),
    cwd: z.string().startsWith('/'),
    argv: z.array(z.string()).min(1),
    env: z.record(z.string(), z.string()),
    expires: z.string(),
  }),
);
export type ConsoleTicketFile = z.infer<typeof consoleTicketFileSchema>;

import { z } from 'zod';

/** `connection` in hms.config.json: how hms keeps SSH connections between commands (like OpenSSH's ControlPersist). */
export const connectionSchema = z.strictObject({
  /** Keep each server's SSH connection in a background holder that later hms processes use (off: a new one each time). */
  persist: z.boolean().default(true),
  /** The holder exits after this many minutes with no command using it. */
  idleMinutes: z.number().int().min(1).max(1440).default(10),
  /** With --all and in the overview: a server whose SSH has not answered in this many seconds is shown unreachable (default 5). */
  reachSeconds: z.number().min(1).max(120).optional(),
});

export type ConnectionConfig = z.infer<typeof connectionSchema>;

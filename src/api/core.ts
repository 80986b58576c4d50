import { z } from 'zod';
import { lazy } from './lazy.js';

/** GET /api/health (no auth). */
export const healthSchema = lazy(() =>
  z.object({
    status: z.literal('ok'),
    version: z.string(),
    release: z.string().optional(),
    uptimeSeconds: z.number(),
  }),
);
export type Health = z.infer<typeof healthSchema>;

/** GET /api/whoami */
export const whoamiSchema = lazy(() => z.object({ actor: z.string(), via: z.enum(['token', 'session']), version: z.string() }));
export type Whoami = z.infer<typeof whoamiSchema>;

/**
 * Who is at the keyboard behind the API token: `user@host` of the laptop, sent by the
 * CLI and TUI in this header and recorded beside the credential ("alice@laptop (api-token)").
 * It names, it does not authenticate: the token does.
 */
export const ACTOR_HEADER = 'x-hms-actor';
export const ACTOR_PART = /[A-Za-z0-9._-]/;
export const ACTOR_PATTERN = /^[A-Za-z0-9._-]{1,32}(?:@[A-Za-z0-9._-]{1,64})?$/;

/** One line of the audit log (<stateDir>/audit.jsonl). */
export const auditEntrySchema = lazy(() =>
  z.object({
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    target: z.string(),
    result: z.enum(['ok', 'failed', 'refused']),
    detail: z.string().optional(),
  }),
);
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** GET /api/audit?limit=N: newest first. */
export const auditResponseSchema = lazy(() => z.object({ entries: z.array(auditEntrySchema) }));
export type AuditResponse = z.infer<typeof auditResponseSchema>;

/** Every error answer: what went wrong, what to do next. */
export const errorResponseSchema = lazy(() =>
  z.object({ error: z.string(), hint: z.string().optional(), details: z.unknown().optional() }),
);

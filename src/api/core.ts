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

export { ACTOR_HEADER, ACTOR_PART, ACTOR_PATTERN } from './actor.js';

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

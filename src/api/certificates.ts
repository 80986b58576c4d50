/** The /api/certificates contract: each site's certificate as the dashboard, the TUI and `hms doctor` show it. */
import { z } from 'zod';
import { lazy } from './lazy.js';

export const certAttemptSchema = lazy(() => z.object({ at: z.string(), ok: z.boolean(), message: z.string().optional() }));

export const certRecordSchema = lazy(() =>
  z.object({
    site: z.string(),
    domain: z.string(),
    names: z.array(z.string()),
    issuer: z.string(),
    serial: z.string(),
    notAfter: z.string(),
    daysLeft: z.number().int(),
    selfSigned: z.boolean(),
    lastAttempt: certAttemptSchema.optional(),
    nextAttempt: z.string().optional(),
    installedByHand: z.boolean().optional(),
    grade: z.enum(['ok', 'warning', 'critical']),
  }),
);

export const certificatesResponseSchema = lazy(() => z.object({ certificates: z.array(certRecordSchema) }));
export type CertificatesResponse = z.infer<typeof certificatesResponseSchema>;

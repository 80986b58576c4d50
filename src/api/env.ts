/**
 * GET /api/apps/:name/env: what an app's env file holds, told without its values. Each
 * variable comes with an HMAC-SHA256 of its value under a key the agent made for this
 * one answer, so the laptop (`hms env`) tells which values differ from what hms would
 * write, while no value leaves the server and no digest can be matched against another
 * answer's or a table made beforehand.
 */
import { z } from 'zod';
import { lazy } from './lazy.js';

export const envDigestsSchema = lazy(() =>
  z.object({
    app: z.string(),
    /** The env file the agent read (root 0600 on the server). */
    file: z.string(),
    exists: z.boolean(),
    /** The HMAC key of this answer, hex. */
    key: z.string().regex(/^[0-9a-f]{64}$/),
    /** Every variable systemd reads from the file, by name, with HMAC-SHA256(key, value) as hex. */
    variables: z.array(z.object({ name: z.string(), digest: z.string().regex(/^[0-9a-f]{64}$/) })),
  }),
);
export type EnvDigests = z.infer<typeof envDigestsSchema>;

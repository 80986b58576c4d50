import { createHash } from 'node:crypto';
import { z } from 'zod';
import { lazy } from './lazy.js';

/** A release of the agent: "<version>-<first 12 hex of the content hash>". */
export const RELEASE_ID = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?-[0-9a-f]{12}$/;
export const releaseIdSchema = lazy(() => z.string().regex(RELEASE_ID, 'must be a release id such as 0.1.0-0123456789ab'));

/** The files of a release: the bundle and the remote CLI tools, nothing else. */
export const RELEASE_FILE = /^(hms-agent\.mjs|remote-cli-tools\/[a-z][a-z0-9_]{0,40}\.sh)$/;

export const releaseFileSchema = lazy(() =>
  z.strictObject({
    name: z.string().regex(RELEASE_FILE, 'must be hms-agent.mjs or remote-cli-tools/<name>.sh'),
    mode: z.union([z.literal(0o644), z.literal(0o755)]),
    // Node's decoder skips what is not base64: a damaged upload would become a damaged file.
    // (A flat character class, not groups: a 32 MB bundle must not exhaust the regex engine's stack.)
    contentBase64: z
      .string()
      .refine((value) => value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value), 'must be base64 (A-Z, a-z, 0-9, +, /, = padding)'),
  }),
);

/** POST /api/agent/releases */
export const uploadReleaseSchema = lazy(() =>
  z.strictObject({
    version: z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?$/),
    files: z.array(releaseFileSchema).min(1).max(64),
  }),
);
export type UploadRelease = z.infer<typeof uploadReleaseSchema>;

/** The id both sides compute from the same files. */
export function releaseIdOf(version: string, files: Array<{ name: string; content: Buffer }>): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name))) hash.update(file.name).update('\0').update(file.content);
  return `${version}-${hash.digest('hex').slice(0, 12)}`;
}

/** The last self-update, as the activator recorded it. */
export const agentUpdateSchema = lazy(() =>
  z.object({
    release: z.string(),
    from: z.string().nullable(),
    status: z.enum(['activating', 'active', 'rolled-back', 'failed']),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    detail: z.string().optional(),
  }),
);
export type AgentUpdate = z.infer<typeof agentUpdateSchema>;

/** GET /api/agent/releases */
export const agentReleasesSchema = lazy(() =>
  z.object({
    current: z.string().nullable(),
    running: z.string().nullable(),
    releases: z.array(z.object({ id: z.string(), installedAt: z.string() })),
    update: agentUpdateSchema.nullable(),
  }),
);
export type AgentReleases = z.infer<typeof agentReleasesSchema>;

export const uploadResultSchema = lazy(() => z.object({ release: z.string(), created: z.boolean() }));
export const activateResultSchema = lazy(() => z.object({ release: z.string(), from: z.string().nullable(), unit: z.string() }));

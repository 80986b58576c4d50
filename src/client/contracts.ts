/**
 * The contract schemas the laptop checks answers against, by reference: a command loads zod and builds
 * a schema only when it checks an answer with one. The contracts of `hms status` (and of the TUI's
 * overview) have their JSON Schema written into the bundle at build time (build.mjs: HMS_CONTRACTS,
 * from jsonSchemas() below) and are checked without zod (shape-check.ts); the others, and every
 * contract when run from source, are checked by zod.
 */
import type { z } from 'zod';
import type { AppsResponse } from '../api/apps.js';
import type { BackupOverview } from '../api/backups.js';
import type { JsonSchema } from './shape-check.js';

export interface Contract<T> {
  /** The key of its JSON Schema in HMS_CONTRACTS, for those checked without zod. */
  name?: string;
  schema: () => Promise<z.ZodType<T>>;
}

declare const HMS_CONTRACTS: Record<string, JsonSchema> | undefined;

/** The JSON Schemas the build wrote (none from source). */
export const builtContracts: Record<string, JsonSchema> = typeof HMS_CONTRACTS === 'object' ? HMS_CONTRACTS : {};

/** A contract schema, loaded and built when first used. */
export function contract<T>(schema: () => Promise<z.ZodType<T>>, name?: string): Contract<T> {
  let loaded: Promise<z.ZodType<T>> | undefined;
  return { ...(name ? { name } : {}), schema: () => (loaded ??= schema()) };
}

export const appsContract = contract<AppsResponse>(async () => (await import('../api/apps.js')).appsResponseSchema, 'appsResponse');
export const backupOverviewContract = contract<BackupOverview>(
  async () => (await import('../api/backups.js')).backupOverviewSchema,
  'backupOverview',
);

/** The named contracts, for the build: their JSON Schema as zod writes it (the input side: what the agent sends). */
export async function jsonSchemas(): Promise<Record<string, JsonSchema>> {
  const { z } = await import('zod');
  const named = [appsContract, backupOverviewContract];
  const entries = await Promise.all(
    named.map(async (c) => [c.name!, z.toJSONSchema(await c.schema(), { io: 'input', unrepresentable: 'throw' }) as JsonSchema] as const),
  );
  return Object.fromEntries(entries);
}

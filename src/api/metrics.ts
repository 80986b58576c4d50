/**
 * The /api/metrics contract: one snapshot of the server (CPU, memory, load, disks,
 * the units' memory, nginx traffic per minute). Shared by the agent and the client.
 */
import { z } from 'zod';
import { lazy } from './lazy.js';
import { appKindSchema } from './apps.js';

export const METRICS_MAX_MINUTES = 180;

/** GET /api/metrics?minutes=N: the nginx window, 1..180 whole minutes (default 15). */
export const metricsQuerySchema = lazy(() =>
  z.object({
    minutes: z.coerce
      .number({ error: 'minutes: must be a whole number of minutes' })
      .int('minutes: must be a whole number of minutes')
      .min(1, 'minutes: must be at least 1')
      .max(METRICS_MAX_MINUTES, `minutes: must be at most ${METRICS_MAX_MINUTES}`)
      .default(15),
  }),
);
export type MetricsQuery = z.infer<typeof metricsQuerySchema>;

export const cpuMetricsSchema = lazy(() =>
  z.object({
    /** Busy share of all cores over the sample, 0..100. */
    percent: z.number(),
    cores: z.number().int(),
    /** How far apart the two /proc/stat samples were. */
    sampleMs: z.number(),
  }),
);
export type CpuMetrics = z.infer<typeof cpuMetricsSchema>;

export const memoryMetricsSchema = lazy(() =>
  z.object({
    totalBytes: z.number(),
    /** MemAvailable: what can be used without swapping. */
    availableBytes: z.number(),
    /** total - available */
    usedBytes: z.number(),
    usedPercent: z.number(),
  }),
);
export type MemoryMetrics = z.infer<typeof memoryMetricsSchema>;

export const swapMetricsSchema = lazy(() =>
  z.object({
    totalBytes: z.number(),
    freeBytes: z.number(),
    usedBytes: z.number(),
    usedPercent: z.number(),
  }),
);
export type SwapMetrics = z.infer<typeof swapMetricsSchema>;

export const loadMetricsSchema = lazy(() => z.object({ one: z.number(), five: z.number(), fifteen: z.number() }));
export type LoadMetrics = z.infer<typeof loadMetricsSchema>;

export const diskMetricsSchema = lazy(() =>
  z.object({
    /** The first watched path on this device. */
    path: z.string(),
    /** Every watched path on this device ("/", "/var", app roots). */
    paths: z.array(z.string()),
    sizeBytes: z.number(),
    usedBytes: z.number(),
    /** Available to non-root users, as `df` shows it. */
    freeBytes: z.number(),
    usedPercent: z.number(),
    inodesTotal: z.number(),
    inodesUsed: z.number(),
    /** null when the file system has no inode limit (e.g. btrfs). */
    inodesPercent: z.number().nullable(),
  }),
);
export type DiskMetrics = z.infer<typeof diskMetricsSchema>;

export const unitMemorySchema = lazy(() =>
  z.object({
    name: z.string(),
    kind: appKindSchema,
    unit: z.string(),
    activeState: z.string(),
    /** MemoryCurrent of the unit's cgroup; null when systemd does not account it. */
    memoryBytes: z.number().nullable(),
  }),
);
export type UnitMemory = z.infer<typeof unitMemorySchema>;

export const nginxMetricsSchema = lazy(() =>
  z.object({
    /** nginx's main access log; the apps' own logs next to it are counted too. */
    file: z.string(),
    minutes: z.number().int(),
    /** Oldest first; one entry per minute, the last one is the current (partial) minute. */
    perMinute: z.array(z.object({ minute: z.string(), requests: z.number().int(), errors5xx: z.number().int() })),
    requests: z.number().int(),
    errors5xx: z.number().int(),
    /** Lines in the window that are not in the combined log format. */
    skippedLines: z.number().int(),
    /** True when the read stopped at its byte budget before reaching the window's start. */
    truncated: z.boolean(),
    /** Why the log could not be read; counts are then zero. */
    error: z.string().nullable(),
  }),
);
export type NginxMetrics = z.infer<typeof nginxMetricsSchema>;

/** GET /api/metrics */
export const metricsResponseSchema = lazy(() =>
  z.object({
    hostname: z.string(),
    at: z.string(),
    uptimeSeconds: z.number(),
    cpu: cpuMetricsSchema,
    memory: memoryMetricsSchema,
    swap: swapMetricsSchema,
    load: loadMetricsSchema,
    disks: z.array(diskMetricsSchema),
    units: z.array(unitMemorySchema),
    nginx: nginxMetricsSchema,
  }),
);
export type MetricsResponse = z.infer<typeof metricsResponseSchema>;

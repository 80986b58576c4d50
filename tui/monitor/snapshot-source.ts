/**
 * One refresh's data from the agent: metrics and apps, fetched together. Either may
 * fail alone (the dashboard then shows the other and says why); a request that hangs
 * (a stalled tunnel) gives up after `timeoutMs` so the next refresh can try again.
 */
import { appsResponseSchema, type AppsResponse } from '../../src/api/apps.js';
import { metricsResponseSchema, type MetricsResponse } from '../../src/api/metrics.js';
import { apiPaths } from '../../src/api/paths.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { HmsError } from '../../src/core/errors.js';

/** The nginx window the requests chart shows. */
export const TRAFFIC_MINUTES = 15;

export interface Snapshot {
  metrics?: MetricsResponse | undefined;
  apps?: AppsResponse | undefined;
  /** What failed, when one of the two did. */
  errors: unknown[];
}

/** Both parts, or throws the first error when neither came. */
export async function loadSnapshot(client: ApiClient, options: { signal: AbortSignal; timeoutMs: number }): Promise<Snapshot> {
  const call = <T>(what: string, run: (signal: AbortSignal) => Promise<T>) => withTimeout(client.server, what, options, run);
  const [metrics, apps] = await Promise.allSettled([
    call('metrics', (signal) => client.call(metricsResponseSchema, apiPaths.metrics(TRAFFIC_MINUTES), { signal })),
    call('apps', (signal) => client.call(appsResponseSchema, apiPaths.apps.list(), { signal })),
  ]);
  const errors = [metrics, apps].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (errors.length === 2) throw errors[0];
  return {
    metrics: metrics.status === 'fulfilled' ? metrics.value : undefined,
    apps: apps.status === 'fulfilled' ? apps.value : undefined,
    errors,
  };
}

async function withTimeout<T>(
  server: string,
  what: string,
  options: { signal: AbortSignal; timeoutMs: number },
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    return await run(AbortSignal.any([options.signal, timeout]));
  } catch (error) {
    if (!timeout.aborted || options.signal.aborted) throw error;
    throw new HmsError(`${server} did not answer /api/${what} within ${options.timeoutMs / 1000} s.`, {
      hint: 'Check the network, or run `hms doctor`.',
      cause: error,
    });
  }
}

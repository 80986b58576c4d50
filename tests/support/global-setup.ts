import { ensureRootfs } from './rootfs.js';
import { reapLeftovers } from './test-server-teardown.js';
import { testServerSupport } from './test-server.js';

/**
 * Runs once per vitest run, before any worker: builds the cached rootfs here so that
 * parallel workers don't all wait on one build inside their hook timeouts, and
 * cleans up servers that crashed runs left behind. Does nothing where test servers
 * can't run; the suites then skip and say why.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const support = testServerSupport();
  if (!support.ok) return undefined;
  reportReaped('before the run', await reapLeftovers());
  const { buildMs } = await ensureRootfs();
  if (buildMs !== undefined) console.log(`[test-server] built the cached rootfs in ${(buildMs / 1000).toFixed(1)} s`);
  // Every worker is done by now, so whatever is still registered to this process leaked.
  return async () => reportReaped('after the run', await reapLeftovers({ includeOwn: true }));
}

function reportReaped(when: string, { reaped, failed }: { reaped: string[]; failed: string[] }): void {
  if (reaped.length > 0) console.warn(`[test-server] reaped leftovers ${when}: ${reaped.join(', ')}`);
  for (const failure of failed) console.warn(`[test-server] could not reap ${failure} (see /run/hms-test/)`);
}

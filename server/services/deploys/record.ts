/**
 * After going live: release.json written into the release (as the deploy user, so a
 * symlink planted by the repository cannot make root write elsewhere), and old
 * releases pruned, keeping `keep` of them and always current and the rollback target.
 */
import path from 'node:path';
import { removeArgv, writeFileArgv } from './argv.js';
import { RELEASE_FILE, releasesToPrune, rollbackTarget, type AppLayout, type ReleaseRecord } from './releases.js';
import type { StepContext } from './steps.js';

export async function writeRecord(ctx: StepContext, layout: AppLayout, record: ReleaseRecord): Promise<void> {
  const file = path.join(layout.release(record.id), RELEASE_FILE);
  await ctx.run(writeFileArgv(file), { input: `${JSON.stringify(record, null, 2)}\n`, quiet: true });
  ctx.detail(`releases/${record.id}/${RELEASE_FILE}: ${record.status}, ${record.migrations.length} migrations`);
}

export async function pruneReleases(ctx: StepContext, layout: AppLayout, keep: number): Promise<void> {
  const { releases, current, previous } = await rollbackTarget(layout);
  const doomed = releasesToPrune(releases, keep, [current, previous]);
  if (doomed.length === 0) return ctx.skip(`${releases.length} releases, ${keep} kept: nothing to remove`);
  await ctx.run(removeArgv(doomed.map((id) => layout.release(id))), { timeoutMs: 300_000 });
  ctx.detail(
    `removed ${doomed.join(', ')}; kept ${releases.length - doomed.length} (current ${current}${previous ? `, previous ${previous}` : ''})`,
  );
}

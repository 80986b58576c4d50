/**
 * An app's folders: <root>/releases/<id>, <root>/shared, <root>/current -> releases/<id>,
 * and what each release's release.json says. Release ids are read from the folder
 * listing and checked against RELEASE_ID_PATTERN; a user's string never becomes a path.
 */
import { constants } from 'node:fs';
import { open, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { healthResultSchema } from '../../../src/api/apps.js';
import { RELEASE_ID_PATTERN, type ReleaseSummary } from '../../../src/api/deploys.js';
import type { AgentApp } from '../../config.js';

export interface AppLayout {
  root: string;
  releases: string;
  shared: string;
  current: string;
  release(id: string): string;
}

export function appLayout(app: Pick<AgentApp, 'root'>): AppLayout {
  const releases = path.join(app.root, 'releases');
  return {
    root: app.root,
    releases,
    shared: path.join(app.root, 'shared'),
    current: path.join(app.root, 'current'),
    release: (id) => {
      if (!RELEASE_ID_PATTERN.test(id)) throw new Error(`not a release id: ${JSON.stringify(id)}`);
      return path.join(releases, id);
    },
  };
}

/** What a deploy writes into each release it makes. */
export const releaseRecordSchema = z.object({
  id: z.string(),
  sha: z.string().nullable(),
  ref: z.string().nullable(),
  by: z.string(),
  at: z.string(),
  reason: z.string().nullable(),
  skipTests: z.boolean(),
  status: z.enum(['ok', 'failed']),
  health: healthResultSchema.nullable(),
  migrations: z.array(z.string()),
  /** The release that was live when this one was deployed: where a rollback goes first. */
  previous: z.string().nullable().default(null),
});
export type ReleaseRecord = z.infer<typeof releaseRecordSchema>;

export const RELEASE_FILE = 'release.json';

/** YYYYMMDDHHMMSS in UTC; one second after the newest existing id when the clock is not past it. */
export function newReleaseId(now: Date, existing: readonly string[]): string {
  const newest = [...existing].sort().at(-1);
  const after = newest ? Date.parse(newest.replace(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/, '$1-$2-$3T$4:$5:$6Z')) + 1000 : 0;
  return new Date(Math.max(now.getTime(), after)).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Release ids on disk, oldest first. */
export async function releaseIds(layout: AppLayout): Promise<string[]> {
  const entries = await readdir(layout.releases, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries
    .filter((entry) => entry.isDirectory() && RELEASE_ID_PATTERN.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** The release `current` points at, or null. */
export async function currentRelease(layout: AppLayout): Promise<string | null> {
  const target = await readlink(layout.current).catch(() => null);
  if (target === null) return null;
  const id = path.basename(target);
  return RELEASE_ID_PATTERN.test(id) && path.resolve(layout.root, target) === path.join(layout.releases, id) ? id : null;
}

/**
 * release.json, read without following a symlink: the release folder belongs to the
 * deploy user (and to whatever the repository holds), the agent is root.
 */
export async function readRecord(layout: AppLayout, id: string): Promise<ReleaseRecord | null> {
  let handle;
  try {
    handle = await open(path.join(layout.release(id), RELEASE_FILE), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > 256 * 1024) return null;
    return releaseRecordSchema.parse(JSON.parse(await handle.readFile('utf8')));
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/** File names in db/migrate (*.rb), sorted: what a release's database schema expects. */
export async function migrationsOf(releaseDir: string): Promise<string[]> {
  const names = await readdir(path.join(releaseDir, 'db', 'migrate')).catch(() => [] as string[]);
  return names.filter((name) => /^\d+_[A-Za-z0-9_]+\.rb$/.test(name)).sort();
}

/** Every release, newest first, as GET /api/deploys/:app/releases lists them. */
export async function listReleases(layout: AppLayout): Promise<ReleaseSummary[]> {
  const [ids, current] = await Promise.all([releaseIds(layout), currentRelease(layout)]);
  const summaries = await Promise.all(
    ids.map(async (id): Promise<ReleaseSummary> => {
      const record = await readRecord(layout, id);
      const migrations = record?.migrations.length ?? (await migrationsOf(layout.release(id))).length;
      return {
        id,
        sha: record?.sha ?? null,
        ref: record?.ref ?? null,
        at: record?.at ?? null,
        by: record?.by ?? null,
        health: record?.health ?? null,
        status: record?.status ?? 'unknown',
        current: id === current,
        migrations,
      };
    }),
  );
  return summaries.reverse();
}

/**
 * The release to go back to from `current`: the one that was live before it (its
 * release.json says which) when it is still there and healthy, else the newest older
 * one that did not fail its health check. Null when there is none.
 */
export function previousRelease(
  releases: readonly Pick<ReleaseSummary, 'id' | 'status'>[],
  current: string | null,
  recorded: string | null = null,
): string | null {
  const usable = releases.filter((r) => r.status !== 'failed' && r.id !== current);
  if (recorded && usable.some((r) => r.id === recorded)) return recorded;
  return (
    usable
      .filter((r) => current === null || r.id < current)
      .map((r) => r.id)
      .sort()
      .at(-1) ?? null
  );
}

/** previousRelease for what is on disk now. */
export async function rollbackTarget(
  layout: AppLayout,
): Promise<{ releases: ReleaseSummary[]; current: string | null; previous: string | null }> {
  const [releases, current] = await Promise.all([listReleases(layout), currentRelease(layout)]);
  const recorded = current ? ((await readRecord(layout, current))?.previous ?? null) : null;
  return { releases, current, previous: previousRelease(releases, current, recorded) };
}

/**
 * Releases to delete so that `keep` remain: failed ones first, then the oldest;
 * never `current` nor `previous` (the rollback target), whatever `keep` says.
 */
export function releasesToPrune(
  releases: readonly Pick<ReleaseSummary, 'id' | 'status'>[],
  keep: number,
  protect: ReadonlyArray<string | null>,
): string[] {
  const excess = releases.length - Math.max(keep, 0);
  if (excess <= 0) return [];
  const rank = (release: Pick<ReleaseSummary, 'status'>) => (release.status === 'failed' ? 0 : 1);
  return releases
    .filter((release) => !protect.includes(release.id))
    .sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id))
    .slice(0, excess)
    .map((release) => release.id)
    .sort();
}

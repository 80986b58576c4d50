/**
 * The rows of the deploys screen: each app of the current server with its live
 * release, its state and who holds its deploy lock; and an app's releases as the
 * `hms releases` table reads (the header, then one line per release).
 */
import type { AppsResponse } from '../../src/api/apps.js';
import type { DeployLock, ReleaseSummary } from '../../src/api/deploys.js';
import { releasesTable } from '../../src/core/deploy-render.js';
import { printable } from '../../src/core/text.js';

export interface DeployAppRow {
  app: string;
  release: string;
  state: string;
  /** undefined: not known yet; null: not locked. */
  lock?: DeployLock | null | undefined;
}

export function deployAppRows(snapshot: AppsResponse | undefined, locks: Record<string, DeployLock | null>): DeployAppRow[] {
  return (snapshot?.apps ?? [])
    .filter((app) => app.kind === 'app')
    .map((app) => ({
      app: app.name,
      release: app.currentRelease ?? '–',
      state: `${app.state.activeState}/${app.state.subState}`,
      lock: locks[app.name],
    }));
}

/** `locked by alice (db maintenance)`, short enough for a column. */
export function lockCell(lock: DeployLock | null | undefined): string {
  if (lock === undefined) return '…';
  if (lock === null) return '–';
  return `locked by ${lock.by}${lock.kind === 'manual' ? '' : ` (${lock.kind})`}: ${printable(lock.reason)}${lock.stale ? ' STALE' : ''}`;
}

/** releasesTable() split into its header (two lines) and one line per release, in the same order. */
export function releaseLines(releases: readonly ReleaseSummary[]): { header: string[]; rows: string[] } {
  if (releases.length === 0) return { header: [], rows: [] };
  const lines = releasesTable(releases).split('\n');
  return { header: lines.slice(0, 2), rows: lines.slice(2) };
}

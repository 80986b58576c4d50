/**
 * How soon the overview asks again. Every answer costs the agent a `systemctl show`
 * (and, when its cache is stale, health probes that land in the apps' logs), so
 * while nothing a person would notice changes, the pause grows from the base
 * interval to SLOWEST_FACTOR times it; any change brings it back at once.
 */
import type { AppsResponse } from '../../src/api/apps.js';

export const SLOWEST_FACTOR = 5;

/** What the overview shows, minus what moves all the time (memory, probe timings, the answer's own time). */
export function snapshotFingerprint(snapshot: AppsResponse): string {
  return JSON.stringify(
    snapshot.apps.map((app) => [
      app.name,
      app.state.activeState,
      app.state.subState,
      app.state.mainPid,
      app.state.restarts,
      app.state.since,
      app.health?.ok,
      app.health?.status,
      app.health?.error,
      app.currentRelease,
      app.problem,
    ]),
  );
}

/** The next pause: the base after a change, else half as long again as the last one, up to the slowest. */
export function nextPollMs(lastMs: number, changed: boolean, baseMs: number): number {
  if (changed) return baseMs;
  return Math.min(Math.round(lastMs * 1.5), baseMs * SLOWEST_FACTOR);
}

/** Which sub-view of its screen the router points at, where keys differ (key-intent.ts's ScreenMode). */
import type { ScreenMode } from './key-intent.js';
import type { UiState } from './ui-state.js';

/** `reviewing(site)`: an edited copy of that site waits for review. */
export function screenMode(state: UiState, reviewing: (site: string) => boolean): ScreenMode | undefined {
  if (state.screen === 'configs') return state.site ? (reviewing(state.site) ? 'review' : 'view') : 'list';
  if (state.screen === 'scripts') return state.script ? 'run' : 'list';
  if (state.screen === 'deploys') return state.deploy ? (state.deploy.view === 'run' ? 'run' : 'releases') : 'list';
  if (state.screen === 'backups') return state.backups ? 'snapshots' : 'list';
  return undefined;
}

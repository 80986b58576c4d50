/**
 * What a key asks for. keymap.ts maps keys to these (through the binding table, or
 * the open overlay's own keys); intents.ts turns them into effects.
 */
import type { ScreenName } from './ui-state.js';

export type Intent =
  | { type: 'quit' }
  | { type: 'help' }
  | { type: 'palette' }
  | { type: 'filter' }
  | { type: 'back' }
  | { type: 'move'; delta: number }
  | { type: 'page'; delta: number }
  | { type: 'top' }
  | { type: 'bottom' }
  | { type: 'open' }
  | { type: 'refresh' }
  | { type: 'logs' }
  | { type: 'app-action'; action: 'start' | 'stop' | 'restart' }
  | { type: 'console' }
  | { type: 'maintenance' }
  | { type: 'pause' }
  | { type: 'timestamps' }
  | { type: 'clear' }
  | { type: 'edit' }
  | { type: 'apply' }
  | { type: 'reload' }
  | { type: 'cancel-run' }
  | { type: 'screen'; screen: ScreenName }
  | { type: 'deploy' }
  | { type: 'watch' }
  | { type: 'rollback' }
  | { type: 'lock' }
  | { type: 'unlock' }
  | { type: 'cancel-deploy' }
  | { type: 'agent-update' }
  | { type: 'backups' }
  | { type: 'backup-now' }
  | { type: 'drill' }
  | { type: 'restore' }
  | { type: 'mute' }
  | { type: 'unmute' }
  | { type: 'alert-test' }
  | { type: 'yes' }
  | { type: 'no' }
  | { type: 'type'; text: string }
  | { type: 'erase' }
  | { type: 'submit' }
  | { type: 'complete' };

/** A sub-view of a screen, where keys differ (the configs list, a site, a review; an app's releases, its deploy; its snapshots). */
export type ScreenMode = 'list' | 'view' | 'review' | 'run' | 'releases' | 'snapshots';

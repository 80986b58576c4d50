/**
 * What a key leads to, as data (app.tsx carries it out), what the key handler knows
 * of the current screen, and the one door every server action goes through:
 * --readonly, then the y/n question.
 */
import type { AppKind } from '../../src/api/apps.js';
import type { TestGate } from './deploy-run.js';
import { guard, type PendingAction } from './guard.js';
import type { SelectedAlert } from './incident-rows.js';
import type { ScreenMode } from './key-intent.js';
import type { PaletteWords } from './palette.js';
import type { UiAction, UiState } from './ui-state.js';

export type Effect =
  | { kind: 'ui'; action: UiAction }
  | { kind: 'do'; action: PendingAction }
  | { kind: 'notify'; level: 'info' | 'warn' | 'error'; text: string }
  | { kind: 'quit' }
  | { kind: 'refresh' }
  | { kind: 'clear-logs' }
  | { kind: 'reload-site' }
  | { kind: 'cancel-run' }
  | { kind: 'cancel-deploy' };

/** How an app deploys by default: its configured branch, and its test gate when the laptop runs its tests. */
export interface DeployDefaults {
  ref: string;
  tests?: TestGate | undefined;
}

/** What the current screen holds, as far as keys are concerned. */
export interface View {
  ui: UiState;
  readonly: boolean;
  mode?: ScreenMode | undefined;
  /** Rows of the current list (after its filter). */
  count: number;
  pageSize: number;
  /** The overview's selected row; `maintenance` while nginx answers 503 for it. */
  selectedUnit?: { server: string; app: string; kind: AppKind; maintenance?: boolean | undefined } | undefined;
  /** The selected name of the current list: a site, a script, an app, a release. */
  selectedName?: string | undefined;
  /** Lines of the text shown (a site, a diff, a script's or a deploy's output), for scrolling. */
  textLines: number;
  logTotal: number;
  words: PaletteWords;
  kindOf(server: string, app: string): AppKind | undefined;
  /** From hms.config.json; `main` and no tests when the app is not configured there. */
  deployDefaults?: ((app: string) => DeployDefaults) | undefined;
  /** The incidents screen's selected row: what m mutes, which mute u lifts. */
  selectedAlert?: SelectedAlert | undefined;
  /** Whether an app has a database to back up (PostgreSQL in hms.config.json). */
  hasDatabase?: ((server: string, app: string) => boolean) | undefined;
}

export const ui = (action: UiAction): Effect => ({ kind: 'ui', action });
export const none: Effect = ui({ type: 'overlay', overlay: { kind: 'none' } });
export const notify = (level: 'info' | 'warn' | 'error', text: string): Effect => ({ kind: 'notify', level, text });

/** Runs `action` through --readonly and the y/n question. */
export function attempt(action: PendingAction, readonly: boolean): Effect[] {
  const verdict = guard(action, readonly);
  if (verdict.kind === 'refuse') return [notify('warn', verdict.reason)];
  if (verdict.kind === 'confirm') return [ui({ type: 'overlay', overlay: { kind: 'confirm', question: verdict.question, action } })];
  return [{ kind: 'do', action }];
}

/** A prompt comes before some actions; in a read-only session the refusal comes first instead. */
export function refusal(action: PendingAction, readonly: boolean): Effect[] | undefined {
  const verdict = guard(action, readonly);
  return verdict.kind === 'refuse' ? [notify('warn', verdict.reason)] : undefined;
}

/**
 * What a key means right now, as effects: a change of what is shown (UiAction),
 * an action on a server (after --readonly and y/n have had their say), or one of
 * the few commands the hooks carry out. Pure: app.tsx runs the effects.
 */
import type { AppKind } from '../../src/api/apps.js';
import { guard, type PendingAction } from './guard.js';
import type { Intent, ScreenMode } from './keymap.js';
import { paletteHints, parsePalette, type PaletteCommand, type PaletteWords } from './palette.js';
import { parseArgs } from './script-run.js';
import type { UiAction, UiState } from './ui-state.js';

export type Effect =
  | { kind: 'ui'; action: UiAction }
  | { kind: 'do'; action: PendingAction }
  | { kind: 'notify'; level: 'info' | 'warn' | 'error'; text: string }
  | { kind: 'quit' }
  | { kind: 'refresh' }
  | { kind: 'clear-logs' }
  | { kind: 'reload-site' }
  | { kind: 'cancel-run' };

/** What the current screen holds, as far as keys are concerned. */
export interface View {
  ui: UiState;
  readonly: boolean;
  mode?: ScreenMode | undefined;
  /** Rows of the current list (after its filter). */
  count: number;
  pageSize: number;
  /** The overview's selected row. */
  selectedUnit?: { server: string; app: string; kind: AppKind } | undefined;
  /** The configs or scripts list's selected name. */
  selectedName?: string | undefined;
  /** Lines of the text shown (a site, a diff, a script's output), for scrolling. */
  textLines: number;
  logTotal: number;
  words: PaletteWords;
  kindOf(server: string, app: string): AppKind | undefined;
}

const ui = (action: UiAction): Effect => ({ kind: 'ui', action });
const none: Effect = ui({ type: 'overlay', overlay: { kind: 'none' } });

/** Runs `action` through --readonly and the y/n question. */
export function attempt(action: PendingAction, readonly: boolean): Effect[] {
  const verdict = guard(action, readonly);
  if (verdict.kind === 'refuse') return [{ kind: 'notify', level: 'warn', text: verdict.reason }];
  if (verdict.kind === 'confirm') return [ui({ type: 'overlay', overlay: { kind: 'confirm', question: verdict.question, action } })];
  return [{ kind: 'do', action }];
}

export function planIntent(intent: Intent, view: View): Effect[] {
  const { ui: state } = view;
  const overlay = state.overlay;
  switch (intent.type) {
    case 'quit':
      return [{ kind: 'quit' }];
    case 'help':
      return [ui({ type: 'overlay', overlay: { kind: 'help' } })];
    case 'palette':
      return [ui({ type: 'overlay', overlay: { kind: 'input', purpose: 'palette', text: '', previous: '' } })];
    case 'filter':
      return [ui({ type: 'overlay', overlay: { kind: 'input', purpose: 'filter', text: state.filters[state.screen], previous: state.filters[state.screen] } })];
    case 'back':
      return [ui({ type: 'back' })];
    case 'yes':
      return overlay.kind === 'confirm' ? [none, { kind: 'do', action: overlay.action }] : [];
    case 'no':
      return overlay.kind === 'confirm' ? [none, { kind: 'notify', level: 'info', text: 'Nothing done.' }] : [];
    case 'type':
      return overlay.kind === 'input' ? [ui({ type: 'type', text: intent.text })] : [];
    case 'erase':
      return overlay.kind === 'input' ? [ui({ type: 'erase' })] : [];
    case 'complete':
      return overlay.kind === 'input' && overlay.purpose === 'palette' ? [ui({ type: 'input', text: paletteHints(overlay.text, view.words).completion })] : [];
    case 'submit':
      return submit(view);
    case 'move':
      return move(view, intent.delta);
    case 'page':
      return move(view, intent.delta * view.pageSize);
    case 'top':
      return move(view, -Number.MAX_SAFE_INTEGER);
    case 'bottom':
      return state.screen === 'logs' ? [ui({ type: 'follow' })] : move(view, Number.MAX_SAFE_INTEGER);
    case 'refresh':
      return [{ kind: 'refresh' }];
    case 'open':
      if (state.screen === 'configs' && view.selectedName) return [ui({ type: 'open-site', name: view.selectedName })];
      if (state.screen === 'scripts' && view.selectedName) return runScript(view, view.selectedName);
      return [];
    case 'logs':
      return view.selectedUnit ? [ui({ type: 'open-logs', target: view.selectedUnit })] : [];
    case 'app-action':
      return view.selectedUnit ? attempt({ kind: 'app', action: intent.action, server: view.selectedUnit.server, app: view.selectedUnit.app }, view.readonly) : [];
    case 'pause':
      return [ui({ type: 'pause', total: view.logTotal })];
    case 'timestamps':
      return [ui({ type: 'timestamps' })];
    case 'clear':
      return [{ kind: 'clear-logs' }, ui({ type: 'follow' })];
    case 'edit': {
      const site = state.site ?? view.selectedName;
      if (!site) return [];
      return [...(state.site ? [] : [ui({ type: 'open-site', name: site })]), ...attempt({ kind: 'edit-config', server: state.server, site }, view.readonly)];
    }
    case 'apply':
      return state.site && view.mode === 'review' ? attempt({ kind: 'apply-config', server: state.server, site: state.site }, view.readonly) : [];
    case 'reload':
      return [{ kind: 'reload-site' }];
    case 'cancel-run':
      return [{ kind: 'cancel-run' }];
  }
}

function move(view: View, delta: number): Effect[] {
  const { ui: state } = view;
  if (state.screen === 'logs') return [ui({ type: 'scroll-log', delta: -delta, total: view.logTotal })];
  if (view.mode === 'view' || view.mode === 'review') return [ui({ type: 'scroll', delta, max: Math.max(0, view.textLines - view.pageSize) })];
  // A script's output is scrolled up from its end.
  if (view.mode === 'run') return [ui({ type: 'scroll', delta: -delta, max: Math.max(0, view.textLines - view.pageSize) })];
  return [ui({ type: 'select', delta, count: view.count })];
}

function runScript(view: View, name: string): Effect[] {
  const action: PendingAction = { kind: 'run-script', server: view.ui.server, name, args: [] };
  const verdict = guard(action, view.readonly);
  if (verdict.kind === 'refuse') return [{ kind: 'notify', level: 'warn', text: verdict.reason }];
  return [ui({ type: 'overlay', overlay: { kind: 'input', purpose: 'args', text: '', previous: '', script: name } })];
}

function submit(view: View): Effect[] {
  const { ui: state } = view;
  const overlay = state.overlay;
  if (overlay.kind !== 'input') return [];
  if (overlay.purpose === 'filter') return [none];
  if (overlay.purpose === 'args') return [none, ...attempt({ kind: 'run-script', server: state.server, name: overlay.script!, args: parseArgs(overlay.text) }, view.readonly)];
  const parsed = parsePalette(overlay.text, view.words);
  if (!parsed.ok) return [ui({ type: 'overlay', overlay: { ...overlay, error: parsed.error } })];
  return [none, ...paletteEffects(parsed.command, view)];
}

function paletteEffects(command: PaletteCommand, view: View): Effect[] {
  const server = view.ui.server;
  switch (command.kind) {
    case 'screen':
      return [ui({ type: 'navigate', screen: command.screen })];
    case 'logs': {
      if (!command.app) return view.selectedUnit ? [ui({ type: 'open-logs', target: view.selectedUnit })] : [ui({ type: 'navigate', screen: 'logs' })];
      return [ui({ type: 'open-logs', target: { server, app: command.app, kind: view.kindOf(server, command.app) ?? 'app' } })];
    }
    case 'app-action':
      return attempt({ kind: 'app', action: command.action, server, app: command.app }, view.readonly);
    case 'server':
      return [ui({ type: 'server', name: command.name }), { kind: 'notify', level: 'info', text: `Now on ${command.name}: logs, configs, scripts, audit and : actions are about it.` }];
    case 'help':
      return [ui({ type: 'overlay', overlay: { kind: 'help' } })];
    case 'quit':
      return [{ kind: 'quit' }];
  }
}

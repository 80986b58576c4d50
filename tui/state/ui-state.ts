/**
 * Where the user is and what is open: the screen and the way back, selections,
 * filters, the overlay (help, palette, a prompt, a y/n question), the log view's
 * pause and scroll. A pure reducer; what happens on the servers lives in hooks.
 */
import type { AppKind } from '../../src/api/apps.js';
import type { PendingAction } from './guard.js';

export const SCREENS = [
  'overview',
  'logs',
  'configs',
  'scripts',
  'audit',
  'deploys',
  'agent',
  'backups',
  'certs',
  'schedules',
  'incidents',
] as const;
export type ScreenName = (typeof SCREENS)[number];

export interface LogTarget {
  server: string;
  app: string;
  kind: AppKind;
}

/**
 * What a prompt line is for: the palette, a filter, a script's arguments, a deploy's git ref, a lock's reason,
 * a 503 page's message, how long a mute lasts.
 */
export type InputPurpose = 'palette' | 'filter' | 'args' | 'ref' | 'reason' | 'message' | 'duration';

/** The app open on the deploys screen: its releases, or its live deploy. */
export interface DeployFocus {
  app: string;
  view: 'releases' | 'run';
}

export type Overlay =
  | { kind: 'none' }
  | { kind: 'help' }
  | {
      kind: 'input';
      purpose: InputPurpose;
      text: string;
      previous: string;
      error?: string | undefined;
      script?: string | undefined;
      app?: string | undefined;
      server?: string | undefined;
      /** What a mute is about: a rule or an app. */
      target?: string | undefined;
    }
  | { kind: 'confirm'; question: string; action: PendingAction };

export interface UiState {
  screen: ScreenName;
  history: ScreenName[];
  /** The server logs, configs, scripts, audit and palette actions are about. */
  server: string;
  selected: Record<ScreenName, number>;
  filters: Record<ScreenName, string>;
  overlay: Overlay;
  logTarget?: LogTarget | undefined;
  /** The log view's end (absolute position) while paused; undefined while following. */
  pausedAt?: number | undefined;
  /** Matching log lines scrolled up from the end. */
  logOffset: number;
  timestamps: boolean;
  /** The nginx site open on the configs screen. */
  site?: string | undefined;
  /** The script whose run the scripts screen shows. */
  script?: string | undefined;
  /** The app the deploys screen shows (none: the list of apps). */
  deploy?: DeployFocus | undefined;
  /** The app whose snapshots the backups screen shows (none: the apps with a database). */
  backups?: string | undefined;
  /** First line shown of a long text (a site, a diff, a script's or a deploy's output). */
  scroll: number;
}

export type UiAction =
  | { type: 'navigate'; screen: ScreenName }
  | { type: 'back' }
  | { type: 'select'; delta: number; count: number }
  | { type: 'select-at'; index: number }
  | { type: 'overlay'; overlay: Overlay }
  | { type: 'input'; text: string }
  | { type: 'type'; text: string }
  | { type: 'erase' }
  | { type: 'server'; name: string }
  | { type: 'open-logs'; target: LogTarget }
  | { type: 'pause'; total: number }
  | { type: 'scroll-log'; delta: number; total: number }
  | { type: 'follow' }
  | { type: 'timestamps' }
  | { type: 'open-site'; name: string | undefined }
  | { type: 'open-script'; name: string | undefined }
  | { type: 'open-deploy'; focus: DeployFocus | undefined }
  | { type: 'open-backups'; app: string | undefined }
  | { type: 'scroll'; delta: number; max: number };

const perScreen = <T>(value: T): Record<ScreenName, T> =>
  Object.fromEntries(SCREENS.map((screen) => [screen, value])) as Record<ScreenName, T>;

export function initialUiState(server: string): UiState {
  return {
    screen: 'overview',
    history: [],
    server,
    selected: perScreen(0),
    filters: perScreen(''),
    overlay: { kind: 'none' },
    logOffset: 0,
    timestamps: true,
    scroll: 0,
  };
}

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'navigate':
      if (action.screen === state.screen) return { ...state, overlay: { kind: 'none' } };
      return {
        ...state,
        screen: action.screen,
        history: [...state.history, state.screen].slice(-20),
        overlay: { kind: 'none' },
        scroll: 0,
        // The log view starts over (and follows) each time it is opened.
        ...(action.screen === 'logs' ? { pausedAt: undefined, logOffset: 0 } : {}),
      };
    case 'back':
      return back(state);
    case 'select': {
      const last = Math.max(0, action.count - 1);
      const index = Math.min(last, Math.max(0, state.selected[state.screen] + action.delta));
      return { ...state, selected: { ...state.selected, [state.screen]: index } };
    }
    case 'select-at':
      return { ...state, selected: { ...state.selected, [state.screen]: Math.max(0, action.index) } };
    case 'overlay':
      return { ...state, overlay: action.overlay };
    case 'input': {
      if (state.overlay.kind !== 'input') return state;
      const overlay = { ...state.overlay, text: action.text, error: undefined };
      // The filter applies as it is typed; Esc puts the previous one back.
      if (overlay.purpose === 'filter')
        return { ...state, overlay, filters: { ...state.filters, [state.screen]: action.text }, logOffset: 0 };
      return { ...state, overlay };
    }
    // From the state itself, not the key handler's copy: keys typed faster than frames are drawn all count.
    case 'type':
      return state.overlay.kind === 'input' ? uiReducer(state, { type: 'input', text: state.overlay.text + action.text }) : state;
    case 'erase':
      return state.overlay.kind === 'input' ? uiReducer(state, { type: 'input', text: state.overlay.text.slice(0, -1) }) : state;
    case 'server':
      return {
        ...state,
        server: action.name,
        site: undefined,
        script: undefined,
        deploy: undefined,
        backups: undefined,
        // The lists of one server start at their top on another; the overview lists every server.
        selected: { ...perScreen(0), overview: state.selected.overview },
      };
    case 'open-logs': {
      const moved = uiReducer(state, { type: 'navigate', screen: 'logs' });
      return { ...moved, logTarget: action.target, pausedAt: undefined, logOffset: 0 };
    }
    case 'pause':
      return state.pausedAt === undefined ? { ...state, pausedAt: action.total } : { ...state, pausedAt: undefined, logOffset: 0 };
    case 'scroll-log': {
      const pausedAt = state.pausedAt ?? action.total;
      return { ...state, pausedAt, logOffset: Math.max(0, state.logOffset + action.delta) };
    }
    case 'follow':
      return { ...state, pausedAt: undefined, logOffset: 0 };
    case 'timestamps':
      return { ...state, timestamps: !state.timestamps };
    case 'open-site':
      return { ...state, site: action.name, scroll: 0 };
    case 'open-script':
      return { ...state, script: action.name, scroll: 0 };
    case 'open-deploy': {
      const moved = uiReducer(state, { type: 'navigate', screen: 'deploys' });
      // Another app's releases start at the newest; the same app's keep their selection.
      const sameApp = action.focus !== undefined && action.focus.app === state.deploy?.app;
      return { ...moved, deploy: action.focus, scroll: 0, selected: sameApp ? moved.selected : { ...moved.selected, deploys: 0 } };
    }
    case 'open-backups': {
      const moved = uiReducer(state, { type: 'navigate', screen: 'backups' });
      // Another app's snapshots start at the newest; the same app's keep their selection.
      const sameApp = action.app !== undefined && action.app === state.backups;
      return { ...moved, backups: action.app, selected: sameApp ? moved.selected : { ...moved.selected, backups: 0 } };
    }
    case 'scroll':
      return { ...state, scroll: Math.max(0, Math.min(action.max, state.scroll + action.delta)) };
  }
}

/** Esc: close what is open, else clear the filter, else leave the sub-view, else the screen. */
function back(state: UiState): UiState {
  const { overlay } = state;
  if (overlay.kind === 'input' && overlay.purpose === 'filter')
    return { ...state, overlay: { kind: 'none' }, filters: { ...state.filters, [state.screen]: overlay.previous } };
  if (overlay.kind !== 'none') return { ...state, overlay: { kind: 'none' } };
  if (state.filters[state.screen] !== '') return { ...state, filters: { ...state.filters, [state.screen]: '' }, logOffset: 0 };
  if (state.screen === 'configs' && state.site !== undefined) return { ...state, site: undefined, scroll: 0 };
  if (state.screen === 'scripts' && state.script !== undefined) return { ...state, script: undefined, scroll: 0 };
  if (state.screen === 'deploys' && state.deploy?.view === 'run')
    return { ...state, deploy: { ...state.deploy, view: 'releases' }, scroll: 0 };
  if (state.screen === 'deploys' && state.deploy !== undefined)
    return { ...state, deploy: undefined, scroll: 0, selected: { ...state.selected, deploys: 0 } };
  if (state.screen === 'backups' && state.backups !== undefined)
    return { ...state, backups: undefined, selected: { ...state.selected, backups: 0 } };
  const previous = state.history.at(-1);
  if (previous === undefined) return state.screen === 'overview' ? state : { ...state, screen: 'overview', scroll: 0 };
  return {
    ...state,
    screen: previous,
    history: state.history.slice(0, -1),
    scroll: 0,
    ...(previous === 'logs' ? { pausedAt: undefined, logOffset: 0 } : {}),
  };
}

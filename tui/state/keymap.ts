/**
 * Keys as Ink reports them, named the way the binding table names them, and looked
 * up in it: what a key means where it is pressed, and which keys the footer shows.
 */
import { BINDINGS, type Binding } from './key-bindings.js';
import type { Intent, ScreenMode } from './key-intent.js';
import type { Overlay, ScreenName } from './ui-state.js';

/** Names keys the way the table does: `j`, `S`, `up`, `enter`, `ctrl+r`, `space`. */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
}

/**
 * Ink hands over characters that arrived together (a paste, keys sent fast) as one
 * input; each is a key of its own here, so `/err⏎` filters just as typing it does.
 */
export function splitKeys(key: KeyPress): KeyPress[] {
  if (key.input.length <= 1 || key.ctrl) return [key];
  return [...key.input].map((char): KeyPress => {
    if (char === '\r' || char === '\n') return { input: '', return: true };
    if (char === '\t') return { input: '', tab: true };
    if (char === '\x7f' || char === '\b') return { input: '', backspace: true };
    if (char === '\x1b') return { input: '', escape: true };
    return { input: char };
  });
}

export function keyName(key: KeyPress): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'esc';
  if (key.tab) return 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl) return `ctrl+${key.input}`;
  if (key.input === ' ') return 'space';
  return key.input;
}

export function visibleBindings(screen: ScreenName, mode: ScreenMode | undefined, readonly: boolean): Binding[] {
  return BINDINGS.filter(
    (binding) =>
      (binding.screens === 'all' || binding.screens.includes(screen)) &&
      (!binding.modes || (mode !== undefined && binding.modes.includes(mode))) &&
      !(readonly && binding.changes),
  );
}

/** The footer: this screen's own keys first, then the global ones (movement is in the help). */
export function footerBindings(screen: ScreenName, mode: ScreenMode | undefined, readonly: boolean): Binding[] {
  const visible = visibleBindings(screen, mode, readonly).filter((binding) => !binding.nav);
  return [...visible.filter((binding) => binding.screens !== 'all'), ...visible.filter((binding) => binding.screens === 'all')];
}

/** What a key means here; read-only is decided later, so a refused key can say why. */
export function resolveKey(
  key: KeyPress,
  where: { screen: ScreenName; mode?: ScreenMode | undefined; overlay: Overlay['kind'] },
): Intent | undefined {
  const name = keyName(key);
  if (name === 'ctrl+c') return { type: 'quit' };
  if (where.overlay === 'confirm')
    return /^[yY]$/.test(name) ? { type: 'yes' } : ['n', 'N', 'esc', 'q'].includes(name) ? { type: 'no' } : undefined;
  if (where.overlay === 'help') return ['?', 'esc', 'q', 'enter'].includes(name) ? { type: 'back' } : undefined;
  if (where.overlay === 'input') {
    if (name === 'enter') return { type: 'submit' };
    if (name === 'esc') return { type: 'back' };
    if (name === 'tab') return { type: 'complete' };
    if (name === 'backspace') return { type: 'erase' };
    if (key.ctrl || ['up', 'down', 'pageup', 'pagedown', 'home', 'end'].includes(name)) return undefined;
    return key.input ? { type: 'type', text: key.input } : undefined;
  }
  const binding = BINDINGS.find(
    (b) =>
      b.keys.includes(name) &&
      (b.screens === 'all' || b.screens.includes(where.screen)) &&
      (!b.modes || (where.mode !== undefined && b.modes.includes(where.mode))),
  );
  return binding?.intent;
}

/** `↑ k` rather than `up k`, for people. */
export function keyLabel(keys: string[]): string {
  const symbols: Record<string, string> = {
    up: '↑',
    down: '↓',
    pageup: 'PgUp',
    pagedown: 'PgDn',
    enter: '⏎',
    esc: 'Esc',
    space: 'Space',
    home: 'Home',
    end: 'End',
  };
  return keys.map((key) => symbols[key] ?? key).join(' ');
}

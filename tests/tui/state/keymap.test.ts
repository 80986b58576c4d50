import { describe, expect, it } from 'vitest';
import { BINDINGS } from '../../../tui/state/key-bindings.js';
import { footerBindings, keyLabel, resolveKey, splitKeys } from '../../../tui/state/keymap.js';

const overview = { screen: 'overview' as const, overlay: 'none' as const };

describe('keys', () => {
  it('Given the overview, When r, s, S, l and enter are pressed, Then they restart, stop, start and open logs', () => {
    expect(resolveKey({ input: 'r' }, overview)).toEqual({ type: 'app-action', action: 'restart' });
    expect(resolveKey({ input: 's' }, overview)).toEqual({ type: 'app-action', action: 'stop' });
    expect(resolveKey({ input: 'S', shift: true } as never, overview)).toEqual({ type: 'app-action', action: 'start' });
    expect(resolveKey({ input: 'l' }, overview)).toEqual({ type: 'logs' });
    expect(resolveKey({ input: '', return: true }, overview)).toEqual({ type: 'logs' });
  });

  it('Given arrows and j/k, When pressed, Then they move', () => {
    expect(resolveKey({ input: 'j' }, overview)).toEqual({ type: 'move', delta: 1 });
    expect(resolveKey({ input: '', upArrow: true }, overview)).toEqual({ type: 'move', delta: -1 });
  });

  it('Given the logs, When space is pressed, Then it pauses; on the overview it does nothing', () => {
    expect(resolveKey({ input: ' ' }, { screen: 'logs', overlay: 'none' })).toEqual({ type: 'pause' });
    expect(resolveKey({ input: ' ' }, overview)).toBeUndefined();
  });

  it('Given a y/n question, When any key but y is pressed, Then nothing happens or it is a no', () => {
    const confirm = { screen: 'overview' as const, overlay: 'confirm' as const };
    expect(resolveKey({ input: 'y' }, confirm)).toEqual({ type: 'yes' });
    expect(resolveKey({ input: 'n' }, confirm)).toEqual({ type: 'no' });
    expect(resolveKey({ input: '', escape: true }, confirm)).toEqual({ type: 'no' });
    expect(resolveKey({ input: 'r' }, confirm)).toBeUndefined();
  });

  it('Given a prompt, When typing, Then letters are text, not commands; Tab completes, Esc goes back', () => {
    const input = { screen: 'overview' as const, overlay: 'input' as const };
    expect(resolveKey({ input: 'q' }, input)).toEqual({ type: 'type', text: 'q' });
    expect(resolveKey({ input: ' ' }, input)).toEqual({ type: 'type', text: ' ' });
    expect(resolveKey({ input: '', tab: true }, input)).toEqual({ type: 'complete' });
    expect(resolveKey({ input: '', escape: true }, input)).toEqual({ type: 'back' });
    expect(resolveKey({ input: '', backspace: true }, input)).toEqual({ type: 'erase' });
  });

  it('Given keys that arrived together, When split, Then each is its own key, Enter and Tab included', () => {
    expect(splitKeys({ input: '/err\r' })).toEqual([
      { input: '/' },
      { input: 'e' },
      { input: 'r' },
      { input: 'r' },
      { input: '', return: true },
    ]);
    expect(splitKeys({ input: 'q' })).toEqual([{ input: 'q' }]);
  });

  it('Given Ctrl-C anywhere, When pressed, Then it quits', () => {
    expect(resolveKey({ input: 'c', ctrl: true }, { screen: 'logs', overlay: 'input' })).toEqual({ type: 'quit' });
  });

  it('Given configs, When a is pressed outside a review, Then nothing applies', () => {
    expect(resolveKey({ input: 'a' }, { screen: 'configs', mode: 'view', overlay: 'none' })).toBeUndefined();
    expect(resolveKey({ input: 'a' }, { screen: 'configs', mode: 'review', overlay: 'none' })).toEqual({ type: 'apply' });
  });

  it('Given a read-only session, When the footer is drawn, Then the actions that change a server are not offered', () => {
    const labels = (readonly: boolean) => footerBindings('overview', undefined, readonly).map((b) => b.label);
    expect(labels(false)).toEqual(expect.arrayContaining(['restart', 'stop', 'start', 'logs', 'help', 'quit']));
    expect(labels(true)).not.toEqual(expect.arrayContaining(['restart']));
    expect(labels(true)).not.toContain('stop');
    expect(labels(true)).toContain('logs');
  });

  it('Given every binding, When checked, Then no key means two things on one screen', () => {
    const seen = new Map<string, string>();
    for (const binding of BINDINGS) {
      for (const key of binding.keys) {
        for (const screen of binding.screens === 'all' ? ['all'] : binding.screens) {
          for (const mode of binding.modes ?? ['any']) {
            const where = `${screen}/${mode}/${key}`;
            expect(seen.get(where), where).toBeUndefined();
            seen.set(where, binding.label);
          }
        }
      }
    }
    expect(keyLabel(['up', 'k'])).toBe('↑ k');
  });
});

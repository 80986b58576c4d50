/**
 * The overview's keys for one app beyond start and stop, as pure data: c opens the
 * console, M asks the 503 page's message and then y/N (on) or y/N alone (off), and a
 * read-only session refuses both before anything is asked.
 */
import { describe, expect, it } from 'vitest';
import type { Effect, View } from '../../../tui/state/effects.js';
import { planIntent } from '../../../tui/state/intents.js';
import type { Intent } from '../../../tui/state/key-intent.js';
import { footerBindings, resolveKey } from '../../../tui/state/keymap.js';
import { initialUiState, uiReducer, type UiAction, type UiState } from '../../../tui/state/ui-state.js';

const play = (actions: UiAction[], state: UiState): UiState => actions.reduce(uiReducer, state);
const overview = initialUiState('prod');
const cigar = { server: 'prod', app: 'cigar', kind: 'app' as const };

function view(ui: UiState, overrides: Partial<View> = {}): View {
  return {
    ui,
    readonly: false,
    count: 3,
    pageSize: 10,
    selectedUnit: cigar,
    textLines: 0,
    logTotal: 0,
    words: { apps: ['cigar', 'nginx'], servers: ['prod'] },
    kindOf: (_, app) => (app === 'nginx' ? 'nginx' : 'app'),
    ...overrides,
  };
}
const press = (intent: Intent, state: UiState, overrides: Partial<View> = {}): [Effect[], UiState] => {
  const effects = planIntent(intent, view(state, overrides));
  return [
    effects,
    play(
      effects.flatMap((e) => (e.kind === 'ui' ? [e.action] : [])),
      state,
    ),
  ];
};
const done = (effects: Effect[]) => effects.filter((e) => e.kind === 'do').map((e) => (e as Extract<Effect, { kind: 'do' }>).action);
const notices = (effects: Effect[]) => effects.filter((e) => e.kind === 'notify').map((e) => (e as { text: string }).text);
const typed = (state: UiState, text: string): UiState => play([{ type: 'input', text }], state);

describe('c and M on the overview', () => {
  it('Given the overview, When c and M are pressed, Then they mean console and maintenance; on the logs c still clears', () => {
    expect(resolveKey({ input: 'c' }, { screen: 'overview', overlay: 'none' })).toEqual({ type: 'console' });
    expect(resolveKey({ input: 'M' }, { screen: 'overview', overlay: 'none' })).toEqual({ type: 'maintenance' });
    expect(resolveKey({ input: 'c' }, { screen: 'logs', overlay: 'none' })).toEqual({ type: 'clear' });
    expect(resolveKey({ input: 'M' }, { screen: 'logs', overlay: 'none' })).toBeUndefined();
    expect(resolveKey({ input: 'c' }, { screen: 'overview', overlay: 'input' })).toEqual({ type: 'type', text: 'c' });
  });

  it('Given the footer, When read-write and read-only, Then c and M show only where they may be used', () => {
    const labels = (readonly: boolean) => footerBindings('overview', undefined, readonly).map((b) => b.label);
    expect(labels(false)).toEqual(expect.arrayContaining(['console', 'maintenance']));
    expect(labels(true)).not.toContain('console');
    expect(labels(true)).not.toContain('maintenance');
  });

  it('Given cigar selected, When c is pressed, Then its console opens at once (no question) on its server', () => {
    const [effects, state] = press({ type: 'console' }, overview);
    expect(done(effects)).toEqual([{ kind: 'console', server: 'prod', app: 'cigar' }]);
    expect(state.overlay.kind).toBe('none');
    expect(state.screen).toBe('overview');
  });

  it('Given --readonly, When c or M is pressed, Then nothing opens or is asked and the message says why', () => {
    for (const intent of [{ type: 'console' }, { type: 'maintenance' }] as const) {
      const [effects, state] = press(intent, overview, { readonly: true });
      expect(done(effects)).toEqual([]);
      expect(state.overlay.kind).toBe('none');
      expect(notices(effects)[0]).toMatch(/^read-only session \(--readonly\): cannot (open the console of|put) cigar/);
    }
    const [inMaintenance] = press({ type: 'maintenance' }, overview, { readonly: true, selectedUnit: { ...cigar, maintenance: true } });
    expect(notices(inMaintenance)).toEqual([
      'read-only session (--readonly): cannot take cigar on prod out of maintenance. Start hms without --readonly to change things.',
    ]);
  });

  it('Given nginx or the agent selected, When c or M is pressed, Then it says only apps have them', () => {
    const nginx = { selectedUnit: { server: 'prod', app: 'nginx', kind: 'nginx' as const } };
    const [effects] = press({ type: 'console' }, overview, nginx);
    expect(done(effects)).toEqual([]);
    expect(notices(effects)).toEqual(['nginx is not an app: only apps have a Rails console.']);
    expect(notices(press({ type: 'maintenance' }, overview, nginx)[0])).toEqual([
      'nginx is not an app: only apps have a maintenance mode.',
    ]);
    expect(press({ type: 'console' }, overview, { selectedUnit: undefined })[0]).toEqual([]);
  });

  it(
    'Given cigar serving, When M is pressed and a message typed, ' +
      'Then Enter asks y/N saying cigar answers 503 until it is off, and y turns it on with the message',
    () => {
      const [, prompting] = press({ type: 'maintenance' }, overview);
      expect(prompting.overlay).toMatchObject({ kind: 'input', purpose: 'message', text: '', app: 'cigar', server: 'prod' });
      const [, asking] = press({ type: 'submit' }, typed(prompting, '  Back at 14:00 UTC. '));
      expect(asking.overlay).toMatchObject({
        kind: 'confirm',
        question: 'Put cigar on prod in maintenance? cigar answers 503 to every request until maintenance is off. y/N',
      });
      const [yes] = press({ type: 'yes' }, asking);
      expect(done(yes)).toEqual([{ kind: 'maintenance', server: 'prod', app: 'cigar', on: true, message: 'Back at 14:00 UTC.' }]);
    },
  );

  it('Given the message prompt left empty, When Enter and y, Then maintenance goes on with the default page (no message)', () => {
    const [, prompting] = press({ type: 'maintenance' }, overview);
    const [, asking] = press({ type: 'submit' }, prompting);
    expect(done(press({ type: 'yes' }, asking)[0])).toEqual([{ kind: 'maintenance', server: 'prod', app: 'cigar', on: true }]);
  });

  it('Given a message with a control character or too long, When Enter, Then the prompt stays open saying why', () => {
    const [, prompting] = press({ type: 'maintenance' }, overview);
    for (const text of ['tab\there', 'x'.repeat(501)]) {
      const [effects, still] = press({ type: 'submit' }, typed(prompting, text));
      expect(done(effects)).toEqual([]);
      expect(still.overlay).toMatchObject({ kind: 'input', purpose: 'message', error: expect.stringMatching(/^the message /) });
    }
  });

  it('Given the question, When n or Esc is answered, Then nothing is done', () => {
    const [, prompting] = press({ type: 'maintenance' }, overview);
    const [, back] = press({ type: 'back' }, prompting);
    expect(back.overlay.kind).toBe('none');
    const [, asking] = press({ type: 'submit' }, prompting);
    const [no, after] = press({ type: 'no' }, asking);
    expect(done(no)).toEqual([]);
    expect(notices(no)).toEqual(['Nothing done.']);
    expect(after.overlay.kind).toBe('none');
  });

  it('Given cigar in maintenance, When M is pressed, Then y/N asks to take it out (no prompt), and y turns it off', () => {
    const [effects, asking] = press({ type: 'maintenance' }, overview, { selectedUnit: { ...cigar, maintenance: true } });
    expect(done(effects)).toEqual([]);
    expect(asking.overlay).toMatchObject({
      kind: 'confirm',
      question: 'Take cigar on prod out of maintenance? cigar serves its requests again. y/N',
    });
    expect(done(press({ type: 'yes' }, asking)[0])).toEqual([{ kind: 'maintenance', server: 'prod', app: 'cigar', on: false }]);
  });
});

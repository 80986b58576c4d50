/**
 * The keys of the backups screen, as pure data: B opens the selected app's snapshots
 * (or the apps with a database), b and t run at once, R asks y/N saying what it
 * replaces, a read-only session refuses all three, and Esc leads back.
 */
import { describe, expect, it } from 'vitest';
import type { Effect, View } from '../../../tui/state/effects.js';
import { planIntent } from '../../../tui/state/intents.js';
import type { Intent } from '../../../tui/state/key-intent.js';
import { footerBindings, resolveKey } from '../../../tui/state/keymap.js';
import { initialUiState, uiReducer, type UiAction, type UiState } from '../../../tui/state/ui-state.js';

const SNAPSHOT = '3f1c2a9b7e'.padEnd(64, '0');
const play = (actions: UiAction[], state: UiState = initialUiState('prod')): UiState => actions.reduce(uiReducer, state);

function view(ui: UiState, overrides: Partial<View> = {}): View {
  const mode = ui.screen === 'backups' ? (ui.backups ? 'snapshots' : 'list') : undefined;
  return {
    ui,
    readonly: false,
    mode,
    count: 2,
    pageSize: 10,
    selectedUnit: { server: 'prod', app: 'cigar', kind: 'app' },
    selectedName: ui.screen === 'backups' ? (ui.backups ? SNAPSHOT : 'cigar') : undefined,
    textLines: 0,
    logTotal: 0,
    words: { apps: ['cigar', 'tobacco', 'nginx'], servers: ['prod', 'staging'] },
    kindOf: (_, app) => (app === 'nginx' ? 'nginx' : 'app'),
    hasDatabase: (_, app) => app === 'cigar',
    ...overrides,
  };
}

const after = (state: UiState, effects: Effect[]): UiState =>
  play(
    effects.flatMap((e) => (e.kind === 'ui' ? [e.action] : [])),
    state,
  );
const press = (intent: Intent, state: UiState, overrides: Partial<View> = {}): [Effect[], UiState] => {
  const effects = planIntent(intent, view(state, overrides));
  return [effects, after(state, effects)];
};
const done = (effects: Effect[]) => effects.filter((e) => e.kind === 'do').map((e) => (e as Extract<Effect, { kind: 'do' }>).action);
const notices = (effects: Effect[]) => effects.filter((e) => e.kind === 'notify').map((e) => (e as { text: string }).text);

describe('the backups screen', () => {
  it('Given cigar (with a database) selected on the overview, When B is pressed, Then its snapshots open; Esc twice leads back', () => {
    expect(resolveKey({ input: 'B' }, { screen: 'overview', overlay: 'none' })).toEqual({ type: 'backups' });
    const [, open] = press({ type: 'backups' }, initialUiState('prod'));
    expect(open).toMatchObject({ screen: 'backups', backups: 'cigar' });
    const [, list] = press({ type: 'back' }, open);
    expect(list).toMatchObject({ screen: 'backups' });
    const [, overview] = press({ type: 'back' }, list);
    expect(overview.screen).toBe('overview');
  });

  it('Given tobacco (no database) or nginx selected, When B is pressed, Then the list of apps with a database opens', () => {
    for (const unit of [
      { server: 'prod', app: 'tobacco', kind: 'app' as const },
      { server: 'prod', app: 'nginx', kind: 'nginx' as const },
    ]) {
      const [, state] = press({ type: 'backups' }, initialUiState('prod'), { selectedUnit: unit });
      expect(state).toMatchObject({ screen: 'backups' });
    }
    const list = play([{ type: 'navigate', screen: 'backups' }]);
    const [, opened] = press({ type: 'open' }, list);
    expect(opened.backups).toBe('cigar');
  });

  it('Given cigar on another server selected, When B is pressed, Then that server becomes the current one first', () => {
    const [, state] = press({ type: 'backups' }, initialUiState('prod'), {
      selectedUnit: { server: 'staging', app: 'cigar', kind: 'app' },
    });
    expect(state).toMatchObject({ server: 'staging', screen: 'backups', backups: 'cigar' });
  });

  it('Given the palette, When :backups cigar or :backups tobacco is submitted, Then cigar opens and tobacco is refused with why', () => {
    const typed = (text: string) => play([{ type: 'overlay', overlay: { kind: 'input', purpose: 'palette', text, previous: '' } }]);
    const [, cigar] = press({ type: 'submit' }, typed('backups cigar'));
    expect(cigar).toMatchObject({ screen: 'backups', backups: 'cigar', overlay: { kind: 'none' } });
    const [effects, tobacco] = press({ type: 'submit' }, typed('backups tobacco'));
    expect(tobacco.screen).toBe('overview');
    expect(notices(effects)[0]).toMatch(/tobacco on prod has no database to back up yet/);
    const [, all] = press({ type: 'submit' }, typed('backups'));
    expect(all).toMatchObject({ screen: 'backups' });
  });

  it('Given the list or the snapshots, When b or t is pressed, Then the backup or the drill of that app runs at once', () => {
    const list = play([{ type: 'navigate', screen: 'backups' }]);
    const snapshots = play([{ type: 'open-backups', app: 'cigar' }]);
    for (const state of [list, snapshots]) {
      expect(done(press({ type: 'backup-now' }, state)[0])).toEqual([{ kind: 'backup', server: 'prod', app: 'cigar' }]);
      expect(done(press({ type: 'drill' }, state)[0])).toEqual([{ kind: 'drill', server: 'prod', app: 'cigar' }]);
    }
    expect(resolveKey({ input: 'b' }, { screen: 'backups', mode: 'snapshots', overlay: 'none' })).toEqual({ type: 'backup-now' });
    expect(resolveKey({ input: 't' }, { screen: 'backups', mode: 'list', overlay: 'none' })).toEqual({ type: 'drill' });
    expect(resolveKey({ input: 'R' }, { screen: 'backups', mode: 'list', overlay: 'none' })).toBeUndefined();
  });

  it(
    'Given a snapshot selected, When R is pressed, Then y/N asks saying the live database is replaced and what is kept; ' +
      'y restores that snapshot, n does nothing',
    () => {
      const snapshots = play([{ type: 'open-backups', app: 'cigar' }]);
      expect(resolveKey({ input: 'R' }, { screen: 'backups', mode: 'snapshots', overlay: 'none' })).toEqual({ type: 'restore' });
      const [asked, asking] = press({ type: 'restore' }, snapshots);
      expect(done(asked)).toEqual([]);
      expect(asking.overlay).toMatchObject({ kind: 'confirm' });
      const question = (asking.overlay as { question: string }).question;
      expect(question).toBe(
        'Restore cigar on prod from snapshot 3f1c2a9b? It replaces the live database of cigar (503 meanwhile); ' +
          'what is live now is backed up first and kept. y/N',
      );
      expect(resolveKey({ input: 'x' }, { screen: 'backups', mode: 'snapshots', overlay: 'confirm' })).toBeUndefined();
      const [yes, restored] = press({ type: 'yes' }, asking);
      expect(done(yes)).toEqual([{ kind: 'restore', server: 'prod', app: 'cigar', snapshot: SNAPSHOT }]);
      expect(restored.overlay.kind).toBe('none');
      const [no] = press({ type: 'no' }, asking);
      expect(done(no)).toEqual([]);
      expect(notices(no)).toEqual(['Nothing done.']);
    },
  );

  it('Given --readonly, When b, t or R is pressed, Then each is refused saying why, and the footer does not offer them', () => {
    const snapshots = play([{ type: 'open-backups', app: 'cigar' }]);
    for (const intent of [{ type: 'backup-now' }, { type: 'drill' }, { type: 'restore' }] as const) {
      const [effects, state] = press(intent, snapshots, { readonly: true });
      expect(done(effects)).toEqual([]);
      expect(state.overlay.kind).toBe('none');
      expect(notices(effects)[0]).toMatch(/^read-only session \(--readonly\): cannot (back up|run a restore drill|restore)/);
    }
    const labels = (readonly: boolean) => footerBindings('backups', 'snapshots', readonly).map((b) => b.label);
    expect(labels(false)).toEqual(expect.arrayContaining(['back up now', 'drill', 'restore']));
    expect(labels(true)).not.toEqual(expect.arrayContaining(['back up now']));
    expect(labels(true)).not.toContain('restore');
  });

  it('Given a server switch, When the snapshots of cigar are open, Then they close (another server, other apps)', () => {
    const state = play([
      { type: 'open-backups', app: 'cigar' },
      { type: 'server', name: 'staging' },
    ]);
    expect(state).toMatchObject({ screen: 'backups', backups: undefined, server: 'staging' });
  });
});

/**
 * The keys of deploys and of the agent's self-update, as pure data: what each key
 * asks first, what a read-only session refuses, what a prompt accepts, and where
 * Esc leads back.
 */
import { describe, expect, it } from 'vitest';
import type { Effect, View } from '../../../tui/state/effects.js';
import { deployAnyway } from '../../../tui/state/deploy-intents.js';
import { guard } from '../../../tui/state/guard.js';
import { planIntent } from '../../../tui/state/intents.js';
import { BINDINGS } from '../../../tui/state/key-bindings.js';
import type { Intent } from '../../../tui/state/key-intent.js';
import { footerBindings, resolveKey } from '../../../tui/state/keymap.js';
import { parsePalette } from '../../../tui/state/palette.js';
import { initialUiState, uiReducer, type UiAction, type UiState } from '../../../tui/state/ui-state.js';

const play = (actions: UiAction[], state: UiState = initialUiState('prod')): UiState => actions.reduce(uiReducer, state);
const deploysList = play([{ type: 'navigate', screen: 'deploys' }]);
const releases = play([{ type: 'open-deploy', focus: { app: 'cigar', view: 'releases' } }]);

const TOBACCO_TESTS = { command: ['bundle', 'exec', 'rspec'], checkout: '/home/dev/tobacco' };

function view(ui: UiState, overrides: Partial<View> = {}): View {
  const mode = ui.screen === 'deploys' ? (ui.deploy ? (ui.deploy.view === 'run' ? 'run' : 'releases') : 'list') : undefined;
  return {
    ui,
    readonly: false,
    mode,
    count: 3,
    pageSize: 10,
    selectedUnit: { server: 'prod', app: 'cigar', kind: 'app' },
    textLines: 0,
    logTotal: 0,
    words: { apps: ['cigar', 'tobacco', 'nginx'], servers: ['prod'] },
    kindOf: (_, app) => (app === 'nginx' ? 'nginx' : 'app'),
    deployDefaults: (app) => (app === 'tobacco' ? { ref: 'release', tests: TOBACCO_TESTS } : { ref: 'main' }),
    ...overrides,
  };
}

/** Applies the ui effects of `effects` to `state`, as app.tsx does. */
const after = (state: UiState, effects: Effect[]): UiState =>
  play(
    effects.flatMap((e) => (e.kind === 'ui' ? [e.action] : [])),
    state,
  );
const press = (intent: Intent, state: UiState, overrides: Partial<View> = {}): [Effect[], UiState] => {
  const effects = planIntent(intent, view(state, overrides));
  return [effects, after(state, effects)];
};
const typed = (state: UiState, text: string): UiState => play([{ type: 'input', text }], state);
const done = (effects: Effect[]) => effects.filter((e) => e.kind === 'do').map((e) => (e as Extract<Effect, { kind: 'do' }>).action);

describe('deploying from the control center', () => {
  it('Given cigar on the overview, When d is pressed, Then the ref prompt opens on main; Enter asks y/n; y deploys', () => {
    const [, prompting] = press({ type: 'deploy' }, initialUiState('prod'));
    expect(prompting.overlay).toMatchObject({ kind: 'input', purpose: 'ref', text: 'main', app: 'cigar', server: 'prod' });
    const [, asking] = press({ type: 'submit' }, prompting);
    expect(asking.overlay).toMatchObject({ kind: 'confirm', question: 'Deploy cigar at main on prod?' });
    const [yes] = press({ type: 'yes' }, asking);
    expect(done(yes)).toEqual([{ kind: 'deploy', server: 'prod', app: 'cigar', ref: 'main' }]);
  });

  it(
    'Given an app whose tests are configured, When deployed, ' +
      'Then the question says they run here first, and the deploy carries its test gate',
    () => {
      const [, prompting] = press({ type: 'deploy' }, initialUiState('prod'), {
        selectedUnit: { server: 'prod', app: 'tobacco', kind: 'app' },
      });
      expect(prompting.overlay).toMatchObject({ text: 'release' });
      const [, asking] = press({ type: 'submit' }, typed(prompting, 'hotfix/42'));
      expect(asking.overlay).toMatchObject({
        question: 'Deploy tobacco at hotfix/42 on prod (its tests run here first: `bundle exec rspec`)?',
      });
      expect(done(press({ type: 'yes' }, asking)[0])).toEqual([
        { kind: 'deploy', server: 'prod', app: 'tobacco', ref: 'hotfix/42', tests: TOBACCO_TESTS },
      ]);
    },
  );

  it(
    'Given its tests failed here, When asked whether to deploy anyway, ' +
      'Then y deploys with skipTests (audited), and n or Esc deploys nothing',
    () => {
      const failed = { kind: 'deploy', server: 'prod', app: 'tobacco', ref: 'hotfix/42', tests: TOBACCO_TESTS } as const;
      const asking = after(initialUiState('prod'), deployAnyway(failed, false, { kind: 'none' }));
      expect(asking.overlay).toMatchObject({
        kind: 'confirm',
        question: 'The tests of tobacco failed. Deploy tobacco at hotfix/42 on prod anyway (audited as tests skipped)? y/N',
      });
      expect(done(press({ type: 'yes' }, asking)[0])).toEqual([{ ...failed, skipTests: true }]);
      expect(done(press({ type: 'no' }, asking)[0])).toEqual([]);
      expect(resolveKey({ input: '', return: true }, { screen: 'overview', overlay: 'confirm' })).toBeUndefined();
    },
  );

  it(
    'Given its tests failed while a prompt is open, When told, ' + 'Then the prompt stays and the status line says how to be asked again',
    () => {
      const prompt = { kind: 'input', purpose: 'palette', text: 'lo', previous: '' } as const;
      const failed = { kind: 'deploy', server: 'prod', app: 'tobacco', ref: 'main', tests: TOBACCO_TESTS } as const;
      expect(deployAnyway(failed, false, prompt)).toEqual([
        {
          kind: 'notify',
          level: 'warn',
          text: 'The tests of tobacco failed: nothing was deployed. Deploy again (d) to be asked whether to deploy anyway.',
        },
      ]);
    },
  );

  it.each(['../x', '-x', 'main..evil', 'a b', '', '%2e%2e'])(
    'Given the ref %j, When submitted, Then the prompt stays open saying why and nothing is asked',
    (ref) => {
      const [, prompting] = press({ type: 'deploy' }, deploysList, { selectedName: 'cigar' });
      const [effects, state] = press({ type: 'submit' }, typed(prompting, ref));
      expect(state.overlay).toMatchObject({ kind: 'input', purpose: 'ref', error: expect.stringMatching(/^the ref /) });
      expect(done(effects)).toEqual([]);
    },
  );

  it('Given nginx on the overview, When d is pressed, Then it says only apps deploy', () => {
    const [effects, state] = press({ type: 'deploy' }, initialUiState('prod'), {
      selectedUnit: { server: 'prod', app: 'nginx', kind: 'nginx' },
    });
    expect(state.overlay.kind).toBe('none');
    expect(effects).toEqual([{ kind: 'notify', level: 'info', text: expect.stringContaining('only apps deploy') }]);
  });

  it('Given an app of another server on the overview, When its deploy is confirmed, Then the deploy is on that server', () => {
    const [, prompting] = press({ type: 'deploy' }, initialUiState('prod'), {
      selectedUnit: { server: 'staging', app: 'cigar', kind: 'app' },
    });
    const [, asking] = press({ type: 'submit' }, prompting);
    expect(done(press({ type: 'yes' }, asking)[0])).toEqual([{ kind: 'deploy', server: 'staging', app: 'cigar', ref: 'main' }]);
  });

  it('Given the deploy question, When n is answered, Then nothing is deployed', () => {
    const [, prompting] = press({ type: 'deploy' }, releases);
    const [, asking] = press({ type: 'submit' }, prompting);
    const [no, state] = press({ type: 'no' }, asking);
    expect(done(no)).toEqual([]);
    expect(state.overlay.kind).toBe('none');
  });

  it(
    'Given the deploys list, When enter, w and Esc are pressed, ' +
      'Then the releases open, then the deploy view, and Esc walks back without cancelling',
    () => {
      const [, opened] = press({ type: 'open' }, deploysList, { selectedName: 'tobacco' });
      expect(opened.deploy).toEqual({ app: 'tobacco', view: 'releases' });
      const [, watching] = press({ type: 'watch' }, opened);
      expect(watching.deploy).toEqual({ app: 'tobacco', view: 'run' });
      const [effects, back] = press({ type: 'back' }, watching);
      expect(effects.some((e) => e.kind === 'cancel-deploy')).toBe(false);
      expect(back.deploy).toEqual({ app: 'tobacco', view: 'releases' });
      expect(play([{ type: 'back' }], back)).toMatchObject({ screen: 'deploys', deploy: undefined });
    },
  );

  it('Given the deploy view, When x is pressed, Then the deploy is cancelled; in a script run x stops the script instead', () => {
    expect(resolveKey({ input: 'x' }, { screen: 'deploys', mode: 'run', overlay: 'none' })).toEqual({ type: 'cancel-deploy' });
    expect(resolveKey({ input: 'x' }, { screen: 'scripts', mode: 'run', overlay: 'none' })).toEqual({ type: 'cancel-run' });
    expect(press({ type: 'cancel-deploy' }, play([{ type: 'open-deploy', focus: { app: 'cigar', view: 'run' } }]))[0]).toEqual([
      { kind: 'cancel-deploy' },
    ]);
  });

  it('Given a release selected, When b is pressed, Then it asks before rolling back to it; y rolls back', () => {
    const [, asking] = press({ type: 'rollback' }, releases, { selectedName: '20260101000000' });
    expect(asking.overlay).toMatchObject({
      kind: 'confirm',
      question: 'Roll cigar on prod back to 20260101000000? The database stays as it is.',
    });
    expect(done(press({ type: 'yes' }, asking)[0])).toEqual([
      { kind: 'rollback', server: 'prod', app: 'cigar', release: '20260101000000' },
    ]);
  });

  it(
    'Given L, When a reason is typed, ' + 'Then Enter locks without a y/n; an empty or control-character reason is refused in the prompt',
    () => {
      const [, prompting] = press({ type: 'lock' }, releases);
      expect(prompting.overlay).toMatchObject({ kind: 'input', purpose: 'reason', app: 'cigar', text: '' });
      expect(press({ type: 'submit' }, prompting)[1].overlay).toMatchObject({ purpose: 'reason', error: 'the reason must not be empty' });
      expect(press({ type: 'submit' }, typed(prompting, 'a\u001b[2Jb'))[1].overlay).toMatchObject({
        error: expect.stringContaining('control characters'),
      });
      expect(done(press({ type: 'submit' }, typed(prompting, 'db maintenance'))[0])).toEqual([
        { kind: 'lock', server: 'prod', app: 'cigar', reason: 'db maintenance' },
      ]);
    },
  );

  it('Given U, When pressed, Then it asks before unlocking', () => {
    expect(press({ type: 'unlock' }, releases)[1].overlay).toMatchObject({
      kind: 'confirm',
      question: 'Unlock deploys of cigar on prod?',
      action: { kind: 'unlock', app: 'cigar' },
    });
  });

  it(
    'Given --readonly, When d, b, L, U, u or enter on a kept agent release is pressed, ' +
      'Then each is refused saying why, and no prompt opens',
    () => {
      const readonly = { readonly: true, selectedName: '20260101000000' };
      const agent = play([{ type: 'navigate', screen: 'agent' }]);
      const cases: Array<[Intent, UiState, string]> = [
        [{ type: 'deploy' }, initialUiState('prod'), 'cannot deploy cigar at main on prod'],
        [{ type: 'deploy' }, releases, 'cannot deploy cigar at main on prod'],
        [{ type: 'rollback' }, releases, 'cannot roll cigar on prod back to 20260101000000'],
        [{ type: 'lock' }, releases, 'cannot lock deploys of cigar on prod'],
        [{ type: 'unlock' }, releases, 'cannot unlock deploys of cigar on prod'],
        [{ type: 'agent-update' }, agent, 'cannot update the agent on prod'],
        [{ type: 'open' }, agent, 'cannot switch the agent on prod back to 20260101000000'],
      ];
      for (const [intent, state, text] of cases) {
        const [effects, next] = press(intent, state, readonly);
        expect(effects, intent.type).toEqual([
          { kind: 'notify', level: 'warn', text: expect.stringContaining(`read-only session (--readonly): ${text}`) },
        ]);
        expect(next.overlay.kind).toBe('none');
      }
      expect(footerBindings('deploys', 'releases', true).map((b) => b.label)).toEqual(
        expect.not.arrayContaining(['deploy', 'roll back', 'lock', 'unlock']),
      );
      expect(footerBindings('agent', undefined, true).map((b) => b.label)).toEqual(expect.not.arrayContaining(['update', 'restore']));
    },
  );

  it(
    'Given a deploy that reached y/n before --readonly could say no, ' +
      'When guarded, Then guard refuses every deploy action in a read-only session',
    () => {
      for (const action of [
        { kind: 'deploy', server: 'p', app: 'cigar', ref: 'main' },
        { kind: 'rollback', server: 'p', app: 'cigar', release: '20260101000000' },
        { kind: 'lock', server: 'p', app: 'cigar', reason: 'x' },
        { kind: 'unlock', server: 'p', app: 'cigar' },
        { kind: 'agent-update', server: 'p' },
        { kind: 'agent-restore', server: 'p', release: 'r' },
      ] as const) {
        expect(guard(action, true).kind, action.kind).toBe('refuse');
      }
      expect(guard({ kind: 'lock', server: 'p', app: 'cigar', reason: 'x' }, false).kind).toBe('run');
    },
  );
});

describe('the agent screen', () => {
  const agent = play([{ type: 'navigate', screen: 'agent' }]);

  it('Given u, When pressed, Then it asks before sending this hms agent; y sends it', () => {
    const [, asking] = press({ type: 'agent-update' }, agent);
    expect(asking.overlay).toMatchObject({
      kind: 'confirm',
      question: "Send this hms's agent to prod and switch to it (health-checked, rolled back on failure)?",
    });
    expect(done(press({ type: 'yes' }, asking)[0])).toEqual([{ kind: 'agent-update', server: 'prod' }]);
  });

  it('Given a kept release selected, When enter is pressed, Then it asks before switching back to it', () => {
    const [, asking] = press({ type: 'open' }, agent, { selectedName: '0.1.0-0123456789ab' });
    expect(asking.overlay).toMatchObject({
      kind: 'confirm',
      action: { kind: 'agent-restore', server: 'prod', release: '0.1.0-0123456789ab' },
    });
  });
});

describe('getting there', () => {
  it('Given any screen, When D or A is pressed, Then the deploys or the agent screen opens', () => {
    for (const screen of ['overview', 'logs', 'configs', 'scripts', 'audit', 'agent'] as const) {
      expect(resolveKey({ input: 'D' }, { screen, overlay: 'none' })).toEqual({ type: 'screen', screen: 'deploys' });
    }
    expect(resolveKey({ input: 'A' }, { screen: 'deploys', mode: 'run', overlay: 'none' })).toEqual({ type: 'screen', screen: 'agent' });
    expect(press({ type: 'screen', screen: 'agent' }, initialUiState('prod'))[1].screen).toBe('agent');
  });

  it(
    'Given the palette, When :deploys, :deploys cigar, :deploy cigar and :agent are parsed, ' +
      'Then each opens its view; :deploy nginx is refused',
    () => {
      const words = { apps: ['cigar', 'nginx'], servers: ['prod'] };
      expect(parsePalette('deploys', words)).toEqual({ ok: true, command: { kind: 'screen', screen: 'deploys' } });
      expect(parsePalette('agent', words)).toEqual({ ok: true, command: { kind: 'screen', screen: 'agent' } });
      expect(parsePalette('deploy', words)).toMatchObject({ ok: false, error: expect.stringContaining('needs an app') });
      expect(parsePalette('deploy ../cigar', words)).toMatchObject({ ok: false, error: expect.stringContaining('Unknown app') });
      const palette = (text: string) => play([{ type: 'overlay', overlay: { kind: 'input', purpose: 'palette', text, previous: '' } }]);
      expect(press({ type: 'submit' }, palette('deploys cigar'))[1]).toMatchObject({
        screen: 'deploys',
        deploy: { app: 'cigar', view: 'releases' },
      });
      const [, prompting] = press({ type: 'submit' }, palette('deploy cigar'));
      expect(prompting).toMatchObject({
        screen: 'deploys',
        deploy: { app: 'cigar' },
        overlay: { kind: 'input', purpose: 'ref', text: 'main' },
      });
      const [refused, stays] = press({ type: 'submit' }, palette('deploy nginx'));
      expect(refused).toContainEqual({ kind: 'notify', level: 'warn', text: 'nginx on prod is not an app: only apps deploy.' });
      expect(stays.screen).toBe('overview');
    },
  );

  it('Given another server, When switched to, Then the open app of the deploys screen is closed', () => {
    expect(play([{ type: 'server', name: 'staging' }], releases)).toMatchObject({ server: 'staging', deploy: undefined });
  });

  it('Given the help, When drawn from BINDINGS, Then every deploys and agent key is there', () => {
    const deployKeys = BINDINGS.filter((b) => b.screens !== 'all' && (b.screens.includes('deploys') || b.screens.includes('agent'))).map(
      (b) => b.keys[0],
    );
    expect(deployKeys).toEqual(['enter', 'd', 'w', 'b', 'L', 'U', 'x', 'u', 'enter']);
  });
});

import { describe, expect, it } from 'vitest';
import { planIntent, type View } from '../../../tui/state/intents.js';
import { initialUiState, uiReducer, type UiState } from '../../../tui/state/ui-state.js';

function view(ui: UiState = initialUiState('prod'), readonly = false): View {
  return {
    ui,
    readonly,
    count: 4,
    pageSize: 10,
    selectedUnit: { server: 'prod', app: 'cigar', kind: 'app' },
    textLines: 0,
    logTotal: 0,
    words: { apps: ['cigar', 'tobacco'], servers: ['prod'] },
    kindOf: () => 'app',
  };
}

const palette = (text: string): UiState =>
  uiReducer(initialUiState('prod'), { type: 'overlay', overlay: { kind: 'input', purpose: 'palette', text, previous: '' } });

describe('what keys do', () => {
  it('Given the selected cigar, When r is pressed, Then it asks before restarting', () => {
    expect(planIntent({ type: 'app-action', action: 'restart' }, view())).toEqual([
      {
        kind: 'ui',
        action: {
          type: 'overlay',
          overlay: {
            kind: 'confirm',
            question: 'Restart cigar on prod?',
            action: { kind: 'app', action: 'restart', server: 'prod', app: 'cigar' },
          },
        },
      },
    ]);
  });

  it('Given the question, When y is answered, Then the restart is done; n does nothing', () => {
    const asked = uiReducer(initialUiState('prod'), {
      type: 'overlay',
      overlay: { kind: 'confirm', question: 'Restart?', action: { kind: 'app', action: 'restart', server: 'prod', app: 'cigar' } },
    });
    expect(planIntent({ type: 'yes' }, view(asked))).toContainEqual({
      kind: 'do',
      action: { kind: 'app', action: 'restart', server: 'prod', app: 'cigar' },
    });
    expect(planIntent({ type: 'no' }, view(asked)).some((e) => e.kind === 'do')).toBe(false);
  });

  it('Given S (start), When pressed, Then it starts without asking', () => {
    expect(planIntent({ type: 'app-action', action: 'start' }, view())).toEqual([
      { kind: 'do', action: { kind: 'app', action: 'start', server: 'prod', app: 'cigar' } },
    ]);
  });

  it('Given --readonly, When stop is pressed or typed, Then it is refused and says why', () => {
    const [effect] = planIntent({ type: 'app-action', action: 'stop' }, view(undefined, true));
    expect(effect).toMatchObject({ kind: 'notify', text: expect.stringContaining('--readonly') });
    const typed = planIntent({ type: 'submit' }, view(palette('stop tobacco'), true));
    expect(typed.some((e) => e.kind === 'do')).toBe(false);
    expect(typed).toContainEqual(expect.objectContaining({ kind: 'notify', text: expect.stringContaining('cannot stop tobacco') }));
  });

  it('Given `:restart tobacco` typed, When submitted, Then the palette closes and the restart asks first', () => {
    const effects = planIntent({ type: 'submit' }, view(palette('restart tobacco')));
    expect(effects[0]).toEqual({ kind: 'ui', action: { type: 'overlay', overlay: { kind: 'none' } } });
    expect(effects[1]).toMatchObject({
      kind: 'ui',
      action: { overlay: { kind: 'confirm', action: { app: 'tobacco', action: 'restart' } } },
    });
  });

  it('Given `:logs cigar`, When submitted, Then the logs of cigar on the current server open', () => {
    expect(planIntent({ type: 'submit' }, view(palette('logs cigar')))).toContainEqual({
      kind: 'ui',
      action: { type: 'open-logs', target: { server: 'prod', app: 'cigar', kind: 'app' } },
    });
  });

  it('Given a wrong command, When submitted, Then the palette stays open with the error', () => {
    expect(planIntent({ type: 'submit' }, view(palette('restrat cigar')))).toEqual([
      {
        kind: 'ui',
        action: { type: 'overlay', overlay: expect.objectContaining({ kind: 'input', error: expect.stringContaining('Unknown command') }) },
      },
    ]);
  });

  it('Given the scripts list, When enter is pressed, Then it asks for arguments, then runs with them', () => {
    const scripts = uiReducer(initialUiState('prod'), { type: 'navigate', screen: 'scripts' });
    const [asking] = planIntent({ type: 'open' }, { ...view(scripts), selectedName: 'check_disk_space' });
    expect(asking).toMatchObject({ kind: 'ui', action: { overlay: { purpose: 'args', script: 'check_disk_space' } } });
    const typed = uiReducer(scripts, (asking as unknown as { action: never }).action);
    const withArgs = uiReducer(typed, { type: 'input', text: '--warn 80  /var' });
    expect(planIntent({ type: 'submit' }, view(withArgs))).toContainEqual({
      kind: 'do',
      action: { kind: 'run-script', server: 'prod', name: 'check_disk_space', args: ['--warn', '80', '/var'] },
    });
  });

  it(
    'Given `:run check_disk_space.sh` typed, When submitted, ' +
      'Then the scripts screen opens and asks for the arguments of check_disk_space',
    () => {
      const typed = { ...view(palette('run check_disk_space.sh')), words: { apps: [], servers: ['prod'], scripts: ['check_disk_space'] } };
      const effects = planIntent({ type: 'submit' }, typed);
      expect(effects).toContainEqual({ kind: 'ui', action: { type: 'navigate', screen: 'scripts' } });
      expect(effects.at(-1)).toMatchObject({ kind: 'ui', action: { overlay: { purpose: 'args', script: 'check_disk_space' } } });
    },
  );

  it('Given the logs, When up is pressed, Then the view scrolls back (and pauses)', () => {
    const logs = uiReducer(initialUiState('prod'), { type: 'open-logs', target: { server: 'prod', app: 'cigar', kind: 'app' } });
    expect(planIntent({ type: 'move', delta: -1 }, { ...view(logs), logTotal: 42 })).toEqual([
      { kind: 'ui', action: { type: 'scroll-log', delta: 1, total: 42 } },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { initialUiState, uiReducer, type UiAction, type UiState } from '../../../tui/state/ui-state.js';

const play = (actions: UiAction[], state: UiState = initialUiState('prod')): UiState => actions.reduce(uiReducer, state);

describe('where the user is', () => {
  it('Given overview then configs then audit, When esc is pressed twice, Then it walks back the way it came', () => {
    const state = play([
      { type: 'navigate', screen: 'configs' },
      { type: 'navigate', screen: 'audit' },
    ]);
    expect(play([{ type: 'back' }], state).screen).toBe('configs');
    expect(play([{ type: 'back' }, { type: 'back' }], state).screen).toBe('overview');
  });

  it('Given a filter being typed, When esc is pressed, Then the previous filter comes back', () => {
    const typing = play([
      { type: 'overlay', overlay: { kind: 'input', purpose: 'filter', text: 'cig', previous: 'cig' } },
      { type: 'input', text: 'cigar|tob' },
    ]);
    expect(typing.filters.overview).toBe('cigar|tob');
    expect(play([{ type: 'back' }], typing).filters.overview).toBe('cig');
  });

  it('Given a kept filter, When esc is pressed, Then the filter is cleared before leaving the screen', () => {
    const state = play([
      { type: 'navigate', screen: 'audit' },
      { type: 'overlay', overlay: { kind: 'input', purpose: 'filter', text: '', previous: '' } },
      { type: 'input', text: 'restart' },
      { type: 'overlay', overlay: { kind: 'none' } },
    ]);
    const cleared = play([{ type: 'back' }], state);
    expect(cleared).toMatchObject({ screen: 'audit', filters: { audit: '' } });
    expect(play([{ type: 'back' }], cleared).screen).toBe('overview');
  });

  it('Given the log view, When paused, scrolled and resumed, Then it holds its end and follows again', () => {
    const paused = play([
      { type: 'open-logs', target: { server: 'prod', app: 'cigar', kind: 'app' } },
      { type: 'pause', total: 120 },
    ]);
    expect(paused.pausedAt).toBe(120);
    const scrolled = play([{ type: 'scroll-log', delta: 5, total: 300 }], paused);
    expect(scrolled).toMatchObject({ pausedAt: 120, logOffset: 5 });
    expect(play([{ type: 'pause', total: 400 }], scrolled)).toMatchObject({ pausedAt: undefined, logOffset: 0 });
  });

  it('Given following logs, When scrolled up, Then the view pauses where it was', () => {
    const state = play([
      { type: 'open-logs', target: { server: 'prod', app: 'cigar', kind: 'app' } },
      { type: 'scroll-log', delta: 1, total: 50 },
    ]);
    expect(state).toMatchObject({ pausedAt: 50, logOffset: 1 });
  });

  it('Given a list of 3, When moving far down, Then the selection stops at the last row', () => {
    expect(play([{ type: 'select', delta: 10, count: 3 }]).selected.overview).toBe(2);
  });

  it('Given an open site, When esc is pressed, Then the site closes and the configs list stays', () => {
    const state = play([{ type: 'navigate', screen: 'configs' }, { type: 'open-site', name: 'cigar' }, { type: 'back' }]);
    expect(state).toMatchObject({ screen: 'configs', site: undefined });
  });
});

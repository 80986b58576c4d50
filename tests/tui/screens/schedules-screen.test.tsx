/**
 * The schedules screen: drawn from props (a failed run red), reached by `:schedules`,
 * and its enter key as pure data: asked y/N first, refused in a read-only session.
 */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { scheduleStatus } from '../../support/schedule-status.js';
import { SchedulesScreen, type SchedulesScreenProps } from '../../../tui/screens/schedules-screen.js';
import type { View } from '../../../tui/state/effects.js';
import { planIntent } from '../../../tui/state/intents.js';
import { resolveKey } from '../../../tui/state/keymap.js';
import { parsePalette } from '../../../tui/state/palette.js';
import { initialUiState, uiReducer } from '../../../tui/state/ui-state.js';

const NOW = Date.parse('2026-12-07T05:40:00Z');
const schedule = scheduleStatus;
const base: SchedulesScreenProps = { server: 'prod', schedules: [], loaded: true, selected: 0, height: 14, now: NOW };
const frame = (props: Partial<SchedulesScreenProps>) => render(<SchedulesScreen {...base} {...props} />).lastFrame() ?? '';

describe('the schedules screen', () => {
  it('Given an ok and a failed schedule, When drawn, Then each row has its calendar, last run, result, duration and next run', () => {
    const screen = frame({ schedules: [schedule('count'), schedule('broken', { result: 'failed', failure: 'exit-code', exitStatus: 3 })] });
    expect(screen).toContain('Scheduled tasks on prod');
    expect(screen).toMatch(/▶ cigar\s+count\s+\*:\*:0\/5\s+10s ago\s+ok\s+2\.5s\s+in 5s/);
    expect(screen).toMatch(/ {2}cigar\s+broken\s+\*:\*:0\/5\s+10s ago\s+failed \(exit 3\)/);
  });

  it('Given a run started from here, When drawn, Then its output and how it ended show below', () => {
    const run = { app: 'cigar', name: 'count', lines: ['visits: 3'], exit: { code: 0, signal: null, timedOut: false, durationMs: 2100 } };
    const screen = frame({ schedules: [schedule('count')], run });
    expect(screen).toContain('cigar count: exit 0 after 2.1 s');
    expect(screen).toContain('visits: 3');
  });

  it('Given no schedules, When drawn, Then it says where they come from', () => {
    expect(frame({})).toContain('No scheduled tasks (apps.<name>.schedules, then hms provision).');
  });

  it('Given `:schedules`, When submitted, Then the schedules screen opens', () => {
    expect(parsePalette('schedules', { apps: [], servers: [] })).toEqual({ ok: true, command: { kind: 'screen', screen: 'schedules' } });
  });

  it('Given a selected schedule, When enter is pressed, Then it asks y/N first, and a read-only session refuses', () => {
    const ui = uiReducer(initialUiState('prod'), { type: 'navigate', screen: 'schedules' });
    const intent = resolveKey({ input: '', return: true }, { screen: 'schedules', overlay: 'none' });
    expect(intent).toEqual({ type: 'open' });
    const view: View = {
      ui,
      readonly: false,
      mode: undefined,
      count: 2,
      pageSize: 10,
      selectedName: 'cigar broken',
      textLines: 0,
      logTotal: 0,
      words: { apps: ['cigar'], servers: ['prod'] },
      kindOf: () => 'app',
    };
    const asked = planIntent(intent!, view);
    expect(JSON.stringify(asked)).toContain("Run cigar's scheduled task broken on prod now?");
    const refused = planIntent(intent!, { ...view, readonly: true });
    expect(JSON.stringify(refused)).toContain('read-only session (--readonly)');
  });
});

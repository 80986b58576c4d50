/**
 * The incidents screen: drawn from props (open first, coloured by severity, then the
 * resolved, the mutes, the channels with their last error), reached by `:incidents` and `!`,
 * and its keys as pure data: m asks how long then y/N, u lifts the mute that holds the
 * incident back, t asks y/N; a read-only session refuses all three before asking anything.
 */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { HelpOverlay } from '../../../tui/components/help-overlay.js';
import { IncidentsScreen, type IncidentsScreenProps } from '../../../tui/screens/incidents-screen.js';
import type { Effect, View } from '../../../tui/state/effects.js';
import { BINDINGS } from '../../../tui/state/key-bindings.js';
import { incidentRows, selectedAlert } from '../../../tui/state/incident-rows.js';
import { planIntent } from '../../../tui/state/intents.js';
import { footerBindings, resolveKey } from '../../../tui/state/keymap.js';
import { parsePalette } from '../../../tui/state/palette.js';
import { initialUiState, uiReducer, type UiState } from '../../../tui/state/ui-state.js';
import { ALERTS_NOW, alertsResponse, channel, incident } from '../../support/alerts.js';

const alerts = alertsResponse({
  incidents: [
    incident(),
    incident({ rule: 'disk', subject: '/var', app: null, severity: 'warning', title: '/var 91% full', minutesOpen: 40 }),
    incident({ subject: 'tobacco.service', app: 'tobacco', title: 'tobacco.service restarting', resolvedMinutesAgo: 3 }),
  ],
  channels: [
    channel(),
    channel({ name: 'mail-ops', type: 'email', queued: 2, lastError: { at: '2026-12-07T09:58:00Z', message: '421 try later' } }),
  ],
  mutes: [{ target: 'disk', until: '2026-12-07T12:00:00.000Z', by: 'bob' }],
});
const rows = incidentRows(alerts);
const base: IncidentsScreenProps = { server: 'prod', alerts, missing: false, rows, selected: 0, height: 20, now: ALERTS_NOW };
const frame = (props: Partial<IncidentsScreenProps>) => render(<IncidentsScreen {...base} {...props} />).lastFrame() ?? '';

describe('the incidents screen', () => {
  it('Given open, resolved and muted incidents and two channels, When drawn, Then open first, resolved, mutes, then channels', () => {
    const lines = frame({}).split('\n');
    const at = (text: string) => lines.findIndex((line) => line.includes(text));
    expect(lines[0]).toContain('Incidents on prod 2 open');
    expect(lines[at('cigar.service failed')]).toMatch(/▶ CRITICAL\s+unit\s+cigar.service\s+cigar.service failed\s+open 12m/);
    expect(lines[at('/var 91% full')]).toMatch(/warning\s+disk\s+\/var\s+\/var 91% full\s+open 40m, muted$/);
    expect(lines[at('tobacco.service restarting')]).toContain('resolved 3m ago');
    expect(lines[at('by bob')]).toMatch(/muted\s+disk\s+by bob\s+until 12:00 UTC/);
    expect(at('cigar.service failed')).toBeLessThan(at('tobacco.service restarting'));
    expect(at('tobacco.service restarting')).toBeLessThan(at('by bob'));
    expect(at('by bob')).toBeLessThan(at('systemctl status cigar.service; hms logs cigar'));
    expect(at('systemctl status cigar.service; hms logs cigar')).toBeLessThan(at('Channels'));
    expect(lines[at('mail-ops')]).toMatch(/mail-ops\s+email\s+https:\/\/hooks.example.net\s+queued 2\s+sent 5m ago\s+421 try later/);
  });

  it('Given an agent older than this hms (404), When drawn, Then it says to update the agent', () => {
    expect(frame({ alerts: undefined, rows: [], missing: true }).replace(/\s+/g, ' ')).toContain(
      'The agent on prod has no incidents watcher (it is older than this hms): update the agent (hms update-hosting-api).',
    );
  });

  it('Given no incidents, or the watcher off, When drawn, Then it says so', () => {
    expect(frame({ alerts: alertsResponse(), rows: [] })).toContain('No incidents: nothing is wrong that the watcher knows of.');
    expect(frame({ alerts: alertsResponse({ enabled: false }), rows: [] })).toContain("The watcher is off in the agent's config");
  });

  it('Given a test that reached one channel of two, When drawn, Then each has its line', () => {
    const screen = frame({ outcome: { ok: false, lines: ['✓ ops-hook sent', '✗ mail-ops: 421 (retried with backoff)'] } });
    expect(screen).toContain('✓ ops-hook sent');
    expect(screen).toContain('✗ mail-ops: 421 (retried with backoff)');
  });
});

const onIncidents = (): UiState => uiReducer(initialUiState('prod'), { type: 'navigate', screen: 'incidents' });
const viewOf = (ui: UiState, selected: number, readonly = false): View => ({
  ui,
  readonly,
  count: rows.length,
  pageSize: 10,
  selectedAlert: selectedAlert(rows[selected]),
  textLines: 0,
  logTotal: 0,
  words: { apps: ['cigar'], servers: ['prod'] },
  kindOf: () => 'app',
});
const key = (input: string, ui: UiState) => resolveKey({ input, return: input === '\r' }, { screen: ui.screen, overlay: ui.overlay.kind })!;
/** Runs the ui effects on the state, as app.tsx does; returns the state and the rest. */
function apply(ui: UiState, effects: Effect[]): { ui: UiState; rest: Effect[] } {
  let state = ui;
  for (const effect of effects) if (effect.kind === 'ui') state = uiReducer(state, effect.action);
  return { ui: state, rest: effects.filter((effect) => effect.kind !== 'ui') };
}

describe('the incidents screen keys', () => {
  it('Given `:incidents`, `:alerts` or ! anywhere, When entered, Then the incidents screen opens', () => {
    expect(parsePalette('incidents', { apps: [], servers: [] })).toEqual({ ok: true, command: { kind: 'screen', screen: 'incidents' } });
    expect(parsePalette('alerts', { apps: [], servers: [] })).toEqual({ ok: true, command: { kind: 'screen', screen: 'incidents' } });
    expect(resolveKey({ input: '!' }, { screen: 'overview', overlay: 'none' })).toEqual({ type: 'screen', screen: 'incidents' });
  });

  it('Given cigar’s incident selected, When m, a typo, 2h, y, Then it asks again, then y/N, then mutes cigar for 120 minutes', () => {
    let ui = onIncidents();
    ({ ui } = apply(ui, planIntent(key('m', ui), viewOf(ui, 0))));
    expect(ui.overlay).toMatchObject({ kind: 'input', purpose: 'duration', target: 'cigar', server: 'prod' });
    for (const char of '2x') ({ ui } = apply(ui, planIntent(key(char, ui), viewOf(ui, 0))));
    ({ ui } = apply(ui, planIntent(key('\r', ui), viewOf(ui, 0))));
    expect(ui.overlay).toMatchObject({ kind: 'input', error: '"2x" is not a duration: write 30m, 2h, 1d or 1h30m.' });
    ({ ui } = apply(ui, planIntent({ type: 'erase' }, viewOf(ui, 0))));
    ({ ui } = apply(ui, planIntent(key('h', ui), viewOf(ui, 0))));
    ({ ui } = apply(ui, planIntent(key('\r', ui), viewOf(ui, 0))));
    expect(ui.overlay).toMatchObject({
      kind: 'confirm',
      question: 'Mute the alerts of cigar on prod for 2h? Its incidents are still opened and listed. y/N',
    });
    const { rest } = apply(ui, planIntent(key('y', ui), viewOf(ui, 0)));
    expect(rest).toEqual([{ kind: 'do', action: { kind: 'mute', server: 'prod', target: 'cigar', minutes: 120 } }]);
  });

  it('Given the disk incident (no app) muted by its rule, When m or u, Then m asks about disk and u unmutes disk at once', () => {
    const ui = onIncidents();
    expect(apply(ui, planIntent(key('m', ui), viewOf(ui, 1))).ui.overlay).toMatchObject({ purpose: 'duration', target: 'disk' });
    expect(planIntent(key('u', ui), viewOf(ui, 1))).toEqual([{ kind: 'do', action: { kind: 'unmute', server: 'prod', target: 'disk' } }]);
    expect(planIntent(key('u', ui), viewOf(ui, 3))).toEqual([{ kind: 'do', action: { kind: 'unmute', server: 'prod', target: 'disk' } }]);
    expect(planIntent(key('u', ui), viewOf(ui, 0))).toEqual([
      { kind: 'notify', level: 'info', text: 'Nothing holds cigar back on prod: it is not muted.' },
    ]);
  });

  it('Given t, When pressed, Then it asks y/N before sending a test to every channel', () => {
    const ui = onIncidents();
    const { ui: asked } = apply(ui, planIntent(key('t', ui), viewOf(ui, 0)));
    expect(asked.overlay).toMatchObject({ kind: 'confirm', question: 'Send a test alert to every channel of prod? y/N' });
    expect(apply(asked, planIntent(key('y', asked), viewOf(asked, 0))).rest).toEqual([
      { kind: 'do', action: { kind: 'alert-test', server: 'prod' } },
    ]);
  });

  it('Given --readonly, When m, u or t, Then each is refused with the reason and nothing is asked', () => {
    const ui = onIncidents();
    for (const [input, selected] of [
      ['m', 0],
      ['u', 1],
      ['u', 0],
      ['t', 0],
    ] as const) {
      const effects = planIntent(key(input, ui), viewOf(ui, selected, true));
      expect(effects, input).toHaveLength(1);
      expect(effects[0], input).toMatchObject({
        kind: 'notify',
        level: 'warn',
        text: expect.stringContaining('read-only session (--readonly)'),
      });
    }
  });

  it('Given ?, When the help opens, Then it has an Incidents section; in a read-only session m, u and t are left out', () => {
    const help = render(<HelpOverlay bindings={BINDINGS} readonly={false} height={60} width={200} />).lastFrame() ?? '';
    expect(help).toContain('Incidents');
    expect(help).toMatch(/!\s+incidents: open and resolved/);
    expect(help).toMatch(/m\s+mute the selected incident's app/);
    expect(footerBindings('incidents', undefined, false).map((b) => b.label)).toEqual(expect.arrayContaining(['mute', 'unmute', 'test']));
    expect(footerBindings('incidents', undefined, true).map((b) => b.label)).not.toContain('mute');
  });
});

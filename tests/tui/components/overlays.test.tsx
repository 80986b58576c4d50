import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { CommandPalette } from '../../../tui/components/command-palette.js';
import { ConfirmDialog, confirmHeight } from '../../../tui/components/confirm-dialog.js';
import { Footer } from '../../../tui/components/footer.js';
import { helpColumns, HelpOverlay } from '../../../tui/components/help-overlay.js';
import { StatusBar } from '../../../tui/components/status-bar.js';
import { BINDINGS } from '../../../tui/state/key-bindings.js';
import { footerBindings } from '../../../tui/state/keymap.js';
import { paletteHints } from '../../../tui/state/palette.js';

describe('help, palette, confirm, footer, status bar', () => {
  it('Given ?, When the help is drawn, Then it lists every key with what it does', () => {
    const { lastFrame } = render(<HelpOverlay bindings={BINDINGS} readonly={false} height={60} />);
    const frame = lastFrame()!;
    for (const text of [
      'command palette',
      'restart the selected app',
      'pause / resume',
      'edit in $EDITOR',
      'stop the running script',
      'quit hms',
      'roll back to the selected release',
      "send this hms's agent",
    ])
      expect(frame).toContain(text);
    expect(frame).toMatch(/S\s+start the selected app/);
    expect(frame).toMatch(/Space\s+pause/);
  });

  it('Given a short terminal, When the help is drawn, Then it takes as many columns as it needs and no section title ends a column', () => {
    const { lastFrame } = render(<HelpOverlay bindings={BINDINGS} readonly={false} height={24} width={100} />);
    for (const title of ['Everywhere', 'Overview', 'Logs', 'Configs', 'Scripts', 'Deploys', 'Agent']) expect(lastFrame()).toContain(title);
    expect(lastFrame()).toMatch(/U\s+remove the app'/);
    const lines = BINDINGS.map((b) => ({ keys: b.keys.join(' '), help: b.help }));
    const columns = helpColumns([{ title: 'A' }, ...lines.slice(0, 2), { title: 'B' }, ...lines.slice(2, 5)], 4);
    expect(columns.map((column) => column.length)).toEqual([3, 4]);
    expect(columns[1]![0]).toEqual({ title: 'B' });
  });

  it('Given --readonly, When the help is drawn, Then the actions are gone and it says why', () => {
    const { lastFrame } = render(<HelpOverlay bindings={BINDINGS.filter((b) => !b.changes)} readonly height={60} />);
    expect(lastFrame()).not.toContain('restart the selected app');
    expect(lastFrame()).toContain('Read-only session (--readonly)');
  });

  it('Given a destructive action, When asked, Then the dialog shows the question and y / n', () => {
    const { lastFrame } = render(<ConfirmDialog question="Restart tobacco on prod?" />);
    expect(lastFrame()).toContain('Restart tobacco on prod?');
    expect(lastFrame()).toMatch(/y yes\s+n \/ Esc no/);
  });

  it('Given `:restart t`, When the palette is drawn, Then it shows the completion', () => {
    const text = 'restart t';
    const { lastFrame } = render(<CommandPalette text={text} hints={paletteHints(text, { apps: ['cigar', 'tobacco'], servers: [] })} />);
    expect(lastFrame()).toContain(':restart t');
    expect(lastFrame()).toContain('tab: restart tobacco');
  });

  it('Given the overview in a read-only session, When the footer is drawn, Then restart, stop and start are not offered', () => {
    const { lastFrame } = render(<Footer bindings={footerBindings('overview', undefined, true)} width={200} />);
    expect(lastFrame()).toContain('<l> logs');
    expect(lastFrame()).not.toMatch(/restart|stop|start/);
    const normal = render(<Footer bindings={footerBindings('overview', undefined, false)} width={200} />);
    expect(normal.lastFrame()).toMatch(/<r> restart\s+<s> stop\s+<S> start/);
  });

  it('Given a server reconnecting, When the status bar is drawn, Then it says when the next try is', () => {
    const now = 1_000_000;
    const { lastFrame } = render(
      <StatusBar
        links={[
          { server: 'prod', status: 'connected', version: '0.1.0', updatedAt: now - 2000, failures: 0 },
          { server: 'staging', status: 'reconnecting', retryAt: now + 4000, failures: 2, error: { text: 'Cannot reach the agent' } },
        ]}
        current="prod"
        now={now}
        readonly
        width={200}
      />,
    );
    expect(lastFrame()).toContain('prod connected · agent 0.1.0 · updated 2s ago');
    expect(lastFrame()).toContain('staging reconnecting in 4s (attempt 3): Cannot reach the agent');
    expect(lastFrame()).toContain('READ-ONLY');
  });

  it('Given a question longer than the terminal is wide, When the dialog is sized, Then it has room for every wrapped line', () => {
    expect(confirmHeight('Restart cigar on prod?', 160)).toBe(4);
    expect(confirmHeight('x'.repeat(200), 80)).toBe(6);
  });
});

/** The header's incidents badge: its words and colour from the counts, and where the status bar shows it. */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { badgeParts } from '../../../tui/components/incident-badge.js';
import { StatusBar } from '../../../tui/components/status-bar.js';
import type { LinkView } from '../../../tui/state/link-label.js';

describe('the incidents badge', () => {
  it('Given a critical open, warnings only, or nothing, When drawn, Then red, yellow, or a dim 0 on the current server alone', () => {
    expect(badgeParts({ open: 2, critical: 1, muted: 0 }, false)).toEqual({ text: '! 2 incidents', color: 'red', muted: undefined });
    expect(badgeParts({ open: 1, critical: 0, muted: 0 }, true)).toEqual({ text: '! 1 incident', color: 'yellow', muted: undefined });
    expect(badgeParts({ open: 0, critical: 0, muted: 0 }, true)).toEqual({ text: '0 incidents', muted: undefined });
    expect(badgeParts({ open: 0, critical: 0, muted: 0 }, false)).toBeUndefined();
  });

  it('Given muted incidents, When drawn, Then they are counted apart and never make it red', () => {
    expect(badgeParts({ open: 1, critical: 0, muted: 2 }, true)).toEqual({ text: '! 1 incident', color: 'yellow', muted: '(+2 muted)' });
    expect(badgeParts({ open: 0, critical: 0, muted: 1 }, false)).toEqual({ text: '0 incidents', muted: '(+1 muted)' });
  });

  it('Given an agent without /api/alerts (or no answer yet), When drawn, Then no badge', () => {
    expect(badgeParts(undefined, true)).toBeUndefined();
  });

  it('Given prod with incidents and staging on an older agent, When the status bar is drawn, Then only prod has a badge', () => {
    const links: LinkView[] = [
      { server: 'prod', status: 'connected', failures: 0, version: '1.0.0', updatedAt: 1_000 },
      { server: 'staging', status: 'connected', failures: 0, version: '0.9.0', updatedAt: 1_000 },
    ];
    const incidents = { prod: { open: 2, critical: 1, muted: 1 }, staging: undefined };
    const frame = render(
      <StatusBar links={links} current="prod" now={2_000} readonly={false} width={200} incidents={incidents} />,
    ).lastFrame();
    expect(frame).toMatch(/prod connected .* ! 2 incidents {2}\(\+1 muted\)/);
    expect(frame).not.toMatch(/staging.*incident/);
  });
});

import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { BackupsScreen, type BackupsScreenProps } from '../../../tui/screens/backups-screen.js';

const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const snapshot = (short: string, time: string, drill?: boolean) => ({
  id: short.padEnd(64, '0'),
  shortId: short,
  time,
  kind: 'manual' as const,
  sizeBytes: 4096,
  addedBytes: 1024,
  rows: { items: 3 },
  ...(drill === undefined ? {} : { drill: { ok: drill, at: time, seconds: 1, mismatches: [] } }),
});

const base: BackupsScreenProps = { server: 'prod', apps: ['cigar'], snapshots: [], loading: false, selected: 0, height: 14, now: NOW };
const frame = (props: Partial<BackupsScreenProps>) => render(<BackupsScreen {...base} {...props} />).lastFrame() ?? '';

describe('the backups screen', () => {
  it('Given no app open, When drawn, Then the apps with a database are listed with the keys to use', () => {
    const text = frame({ apps: ['cigar', 'shop'], selected: 1 });
    expect(text).toContain('Backups on prod');
    expect(text).toMatch(/^ {2}cigar$/m);
    expect(text).toMatch(/^▶ shop$/m);
    expect(frame({ apps: [] })).toMatch(/No app on prod has a database to back up yet/);
  });

  it('Given cigar’s snapshots, When drawn, Then a header and one row each, newest first as given, with the drill mark', () => {
    const text = frame({
      app: 'cigar',
      snapshots: [snapshot('bbbbbbbb', '2026-12-07T09:00:00.000Z', false), snapshot('aaaaaaaa', '2026-12-06T12:00:00.000Z', true)],
    });
    expect(text).toContain('cigar on prod database snapshots, newest first');
    expect(text).toMatch(/ID\s+TAKEN\s+KIND\s+SIZE\s+ADDED\s+ROWS\s+DRILL/);
    expect(text).toMatch(/▶ bbbbbbbb\s+3h0m ago\s+manual\s+4\.0K\s+1\.0K\s+3\s+✗/);
    expect(text).toMatch(/ {2}aaaaaaaa\s+1d ago\s+manual\s+4\.0K\s+1\.0K\s+3\s+✓/);
    expect(frame({ app: 'cigar' })).toContain('No backups of cigar yet: b takes one.');
    expect(frame({ app: 'cigar', loading: true })).toContain('Loading…');
  });

  it('Given a backup running and then its outcome, When drawn, Then the spinner with the seconds, then the result lines', () => {
    const action = { kind: 'backup' as const, server: 'prod', app: 'cigar' };
    expect(frame({ app: 'cigar', task: { action, startedAt: NOW - 3_000 } })).toMatch(/⠸ backing up cigar on prod… 3 s/);
    const outcome = { server: 'prod', app: 'cigar', ok: false, lines: ['✗ Backup of cigar failed after 0.4 s: pg_dump failed'] };
    expect(frame({ app: 'cigar', outcome })).toContain('✗ Backup of cigar failed after 0.4 s: pg_dump failed');
    expect(frame({ app: 'cigar', outcome: { ...outcome, app: 'shop' } })).not.toContain('Backup of cigar');
  });
});

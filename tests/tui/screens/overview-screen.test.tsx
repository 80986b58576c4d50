import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { AppsResponse, AppStatus } from '../../../src/api/apps.js';
import { overviewRows } from '../../../tui/state/overview-rows.js';
import { OverviewScreen, overviewNotes } from '../../../tui/screens/overview-screen.js';
import { fittingColumns } from '../../../tui/components/units-table.js';

const at = '2026-01-01T10:00:00.000Z';

function app(name: string, kind: AppStatus['kind'], activeState: string, extra: Partial<AppStatus['state']> = {}): AppStatus {
  return {
    name,
    kind,
    state: {
      unit: `${name}.service`,
      description: name,
      loadState: 'loaded',
      activeState,
      subState: activeState === 'active' ? 'running' : 'dead',
      since: '2026-01-01T09:58:00.000Z',
      mainPid: 4242,
      memoryBytes: 52_428_800,
      restarts: 0,
      result: 'success',
      ...extra,
    },
    health:
      kind === 'app'
        ? {
            ok: activeState === 'active',
            via: 'socket',
            status: 200,
            ms: 3.2,
            error: activeState === 'active' ? null : 'connection refused',
          }
        : null,
    currentRelease: kind === 'app' ? '20260101000000' : null,
  };
}

const snapshot: AppsResponse = {
  hostname: 'web1',
  version: '0.1.0',
  at,
  apps: [
    app('cigar', 'app', 'active'),
    app('tobacco', 'app', 'failed', { mainPid: null }),
    app('nginx', 'nginx', 'active'),
    app('hms-agent', 'agent', 'active'),
  ],
};

describe('the overview', () => {
  it(
    'Given a snapshot with both apps, nginx and the agent, When rendered, ' +
      'Then each is a row with state, since, pid, memory, health and release',
    () => {
      const rows = overviewRows([{ server: 'prod', snapshot, stale: false }], new Date(at));
      const { lastFrame } = render(
        <OverviewScreen rows={rows} selected={1} height={20} width={100} showServer={false} waiting={[]} problems={[]} filter="" />,
      );
      const frame = lastFrame()!;
      expect(frame).toMatch(/▶ │ tobacco/);
      expect(frame).toMatch(/cigar\s+│ ● active\/running\s+│ 2m\s+│ 4242\s+│ 50\.0M\s+│ 0\s+│ ok 3ms/);
      expect(rows[0]!.release).toBe('20260101000000');
      expect(frame).toMatch(/tobacco\s+│ ✗ failed\/dead .*✗ connection refused/);
      expect(frame).toContain('nginx');
      expect(frame).toContain('hms-agent');
      expect(frame).not.toContain('SERVER');
    },
  );

  it('Given a wide terminal, When columns are fitted, Then all of them stay', () => {
    const data = [{ APP: 'cigar', STATE: '● active/running', RELEASE: '20260101000000' }];
    expect(fittingColumns(data, ['APP', 'STATE', 'RELEASE'], 160)).toEqual(['APP', 'STATE', 'RELEASE']);
    expect(fittingColumns(data, ['APP', 'STATE', 'RELEASE'], 30)).toEqual(['APP', 'STATE']);
  });

  it('Given a narrow terminal, When rendered, Then the least telling columns go first and nothing wraps', () => {
    const rows = overviewRows([{ server: 'prod', snapshot, stale: false }], new Date(at));
    const frame = render(
      <OverviewScreen rows={rows} selected={0} height={20} width={80} showServer={false} waiting={[]} problems={[]} filter="" />,
    ).lastFrame()!;
    expect(frame).not.toContain('RELEASE');
    expect(frame).toContain('HEALTH');
    expect(Math.max(...frame.split('\n').map((line) => line.length))).toBeLessThanOrEqual(80);
  });

  it('Given two servers, one unreachable, When rendered, Then a SERVER column shows and the other says why it is missing', () => {
    const rows = overviewRows([{ server: 'prod', snapshot, stale: false }], new Date(at));
    const { lastFrame } = render(
      <OverviewScreen
        rows={rows}
        selected={0}
        height={20}
        width={100}
        showServer
        waiting={[{ server: 'staging', text: 'reconnecting in 4s (attempt 2): Cannot reach the agent' }]}
        problems={[]}
        filter=""
      />,
    );
    expect(lastFrame()).toContain('SERVER');
    expect(lastFrame()).toContain('staging: reconnecting in 4s (attempt 2): Cannot reach the agent');
  });

  it('Given more rows than fit, When the last is selected, Then the table scrolls to keep it in view', () => {
    const many: AppsResponse = { ...snapshot, apps: Array.from({ length: 12 }, (_, i) => app(`app${i}`, 'app', 'active')) };
    const rows = overviewRows([{ server: 'prod', snapshot: many, stale: false }], new Date(at));
    const { lastFrame } = render(
      <OverviewScreen rows={rows} selected={11} height={12} width={100} showServer={false} waiting={[]} problems={[]} filter="" />,
    );
    expect(lastFrame()).toMatch(/▶ │ app11/);
    expect(lastFrame()).not.toContain('app0 ');
  });

  it(
    'Given an agent that reports backups (cigar drilled, tobacco overdue), When rendered, ' +
      'Then a BACKUP column says each app’s age and drill, marked to be coloured, and – for nginx and the agent',
    () => {
      const backups = {
        apps: [
          {
            app: 'cigar',
            state: 'ok' as const,
            last: { id: 'a'.repeat(64), shortId: 'aaaaaaaa', time: '2026-01-01T07:00:00.000Z', kind: 'scheduled' as const },
            drill: { ok: true, at: at, seconds: 1, mismatches: [] },
            message: '',
          },
          {
            app: 'tobacco',
            state: 'overdue' as const,
            last: { id: 'b'.repeat(64), shortId: 'bbbbbbbb', time: '2025-12-29T10:00:00.000Z', kind: 'scheduled' as const },
            message: '',
          },
        ],
      };
      const rows = overviewRows([{ server: 'prod', snapshot, stale: false, backups }], new Date(at));
      expect(rows.map((row) => row.backup)).toEqual(['ok 3h0m ago, drill ✓', '✗ overdue: 3d ago, no drill', '–', '–']);
      const frame = render(
        <OverviewScreen rows={rows} selected={0} height={20} width={100} showServer={false} waiting={[]} problems={[]} filter="" />,
      ).lastFrame()!;
      expect(frame).toMatch(/│ BACKUP/);
      expect(frame).toMatch(/cigar .*│ ok 3h0m ago, drill ✓/);
      expect(frame).toMatch(/tobacco .*│ ✗ overdue: 3d ago, no drill/);
      const without = overviewRows([{ server: 'prod', snapshot, stale: false }], new Date(at));
      expect(
        render(
          <OverviewScreen rows={without} selected={0} height={20} width={100} showServer={false} waiting={[]} problems={[]} filter="" />,
        ).lastFrame(),
      ).not.toContain('BACKUP');
    },
  );
});

describe('the overview of a fleet', () => {
  const small: AppsResponse = { ...snapshot, apps: [app('nginx', 'nginx', 'active'), app('hms-agent', 'agent', 'active')] };
  const names = Array.from({ length: 10 }, (_, i) => `s${i + 1}`);

  it(
    'Given ten servers of which s10 is unreachable, When rendered, ' +
      'Then the title counts 9/10 answering, each server names its group once, and s10 says why',
    () => {
      const servers = names.map((server) => ({ server, snapshot: server === 's10' ? undefined : small, stale: false }));
      const rows = overviewRows(servers, new Date(at));
      const waiting = [{ server: 's10', text: 'reconnecting in 4s (attempt 2): unreachable (timed out after 5 s)' }];
      const { lastFrame } = render(
        <OverviewScreen
          rows={rows}
          selected={0}
          height={60}
          width={120}
          showServer
          waiting={waiting}
          problems={[]}
          filter=""
          serverCount={10}
        />,
      );
      const frame = lastFrame()!;
      expect(frame).toContain('18 units · 9/10 servers answer');
      for (const server of names.slice(0, 9)) expect(frame.match(new RegExp(`│ ${server}\\s+│ nginx`, 'g'))).toHaveLength(1);
      expect(frame).toMatch(/│ +│ hms-agent/);
      expect(frame).toContain('s10: reconnecting in 4s (attempt 2): unreachable (timed out after 5 s)');
    },
  );

  it('Given more servers without an answer than note lines, When noted, Then the last line names the rest', () => {
    const waiting = names.slice(5).map((server) => ({ server, text: 'connecting…' }));
    expect(overviewNotes(waiting, ['s1: no systemd'])).toEqual([
      's6: connecting…',
      's7: connecting…',
      '+3 more without an answer: s8, s9, s10',
    ]);
    expect(overviewNotes(waiting.slice(0, 2), ['s1: no systemd'])).toEqual(['s6: connecting…', 's7: connecting…', 's1: no systemd']);
  });
});

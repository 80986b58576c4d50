/**
 * The deploys screen, the live deploy view and the agent screen as frames
 * (ink-testing-library), fed the API's shapes through the same pure functions the
 * hooks use.
 */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { DeployLock, ReleaseSummary, StepEvent } from '../../../src/api/deploys.js';
import { OutputLines, stepLine } from '../../../src/core/deploy-render.js';
import { AgentScreen } from '../../../tui/screens/agent-screen.js';
import { DeploysScreen, type DeploysScreenProps } from '../../../tui/screens/deploys-screen.js';
import { gateStartLine, startRun, withStep, withText, type DeployRun } from '../../../tui/state/deploy-run.js';
import { MAX_OUTPUT_LINES } from '../../../tui/state/script-run.js';

const LOCK: DeployLock = {
  app: 'cigar',
  by: 'alice',
  at: '2026-01-25T10:02:00.000Z',
  reason: 'db maintenance',
  kind: 'manual',
  pid: null,
  stale: false,
};

/** Events in, as use-deploy-runs feeds them. */
function feed(run: DeployRun, events: Array<StepEvent | string>): DeployRun {
  const lines = new OutputLines();
  return events.reduce(
    (r, event) =>
      typeof event === 'string' ? withText(r, lines.push(event)) : withStep(withText(r, `${lines.flush()}${stepLine(event)}\n`), event),
    run,
  );
}

const started = () => startRun({ server: 'prod', app: 'cigar', ref: 'main' });
const halfway = () =>
  feed(started(), [
    { name: 'lock', status: 'start', ms: 0 },
    { name: 'lock', status: 'ok', ms: 12 },
    { name: 'fetch', status: 'start', ms: 0 },
    'deploy$ git clone --depth 1 --branch main -- file:///srv/git/sample.git\nCloning into',
    " '/var/www/cigar/releases/20260125100300'...\n",
    'remote: Enumerating',
  ]);

function screen(props: Partial<DeploysScreenProps>) {
  const all: DeploysScreenProps = {
    server: 'prod',
    apps: [],
    releases: [],
    loading: false,
    known: true,
    selected: 0,
    scroll: 0,
    height: 20,
    ...props,
  };
  return render(<DeploysScreen {...all} />).lastFrame()!;
}

const release = (id: string, current: boolean, migrations: number): ReleaseSummary => ({
  id,
  sha: `${id.slice(-4)}abcdef0123456789`,
  ref: 'main',
  at: '2026-01-25T10:03:00.000Z',
  by: 'api-token',
  health: { ok: true, via: 'socket', status: 200, ms: 12, error: null },
  status: 'ok',
  current,
  migrations,
});

describe('the deploy view', () => {
  it('Given a deploy under way, When drawn, Then each step shows as it started and ended, with its output under it, and x cancels', () => {
    const frame = screen({ focus: { app: 'cigar', view: 'run' }, run: halfway() });
    expect(frame).toMatch(/Deploy cigar on prod \(ref main\)\s+running… \(x cancels; Esc leaves it running\)/);
    expect(frame).toContain('lock ✓ · fetch ▸');
    expect(frame).toMatch(/^▸ lock\n✓ lock\s+0\.0 s\n▸ fetch\n {2}│ deploy\$ git clone --depth 1/m);
    // The unfinished line waits for its end.
    expect(frame).toContain("│ Cloning into '/var/www/cigar/releases/20260125100300'...");
    expect(frame).not.toContain('Enumerating');
  });

  it('Given a deploy that went live, When drawn, Then it ends on ✓ … is live and says nothing is running', () => {
    const run = {
      ...feed(halfway(), [{ name: 'fetch', status: 'ok', ms: 812 }]),
      running: false,
      done: { release: '20260125100300', ok: true, rolledBack: false, sha: '0123456789abcdef', ms: 31_400 },
    };
    const frame = screen({ focus: { app: 'cigar', view: 'run' }, run });
    expect(frame).toContain("│ Cloning into '/var/www/cigar/releases/20260125100300'...");
    expect(frame).toMatch(/✓ fetch\s+0\.8 s/);
    expect(frame).toContain('✓ Deployed cigar: release 20260125100300 (0123456789ab) is live in 31.4 s.');
    expect(frame).not.toContain('running…');
  });

  it('Given a deploy that failed at bundle, When drawn, Then the outcome names the step and says what to do next', () => {
    const run = {
      ...feed(started(), [{ name: 'bundle', status: 'failed', ms: 4100, detail: '`bundle install` exited with 17' }]),
      running: false,
      done: {
        release: '20260125100300',
        ok: false,
        rolledBack: false,
        failedStep: 'bundle' as const,
        error: 'Could not reach host index.rubygems.org',
        hint: 'Commit Gemfile.lock.',
        ms: 5000,
      },
    };
    const frame = screen({ focus: { app: 'cigar', view: 'run' }, run });
    expect(frame).toMatch(/✗ bundle\s+4\.1 s {2}`bundle install` exited with 17/);
    expect(frame).toContain('✗ The deploy of cigar failed at bundle in 5.0 s: Could not reach host index.rubygems.org');
    expect(frame).toContain('Commit Gemfile.lock. See `hms logs cigar` and `hms releases cigar`');
  });

  it('Given a locked app, When the deploy is refused (423), Then the view says who holds the lock and what to do', () => {
    const run = {
      ...started(),
      running: false,
      error: {
        text: 'prod: cigar is locked: held by alice since 2026-01-25T10:02:00.000Z (reason: db maintenance).',
        hint: 'Wait, or run `hms unlock cigar`.',
      },
    };
    const frame = screen({ focus: { app: 'cigar', view: 'run' }, run });
    expect(frame).toContain('✗ prod: cigar is locked: held by alice since 2026-01-25T10:02:00.000Z (reason: db maintenance).');
    expect(frame).toContain('Wait, or run `hms unlock cigar`.');
  });

  it('Given x was pressed, When the stream ended, Then the view says the agent stops it before the switch', () => {
    const frame = screen({ focus: { app: 'cigar', view: 'run' }, run: { ...halfway(), cancelled: true, running: false } });
    expect(frame).toContain('Stopped; the agent on prod stops the deploy of cigar before it switches');
  });

  it(
    'Given tests that failed here, When the deploy view is drawn, ' + 'Then their output tail, the failure and how to deploy anyway show',
    () => {
      const gate = { command: ['bin/rails', 'test'], checkout: '/home/dev/cigar' };
      const run = {
        ...startRun({ server: 'prod', app: 'cigar', ref: 'main', tests: gate }),
        running: false,
        gate: { status: 'failed', code: 1, ms: 4200 } as const,
      };
      const fed = withText(withText(run, gateStartLine('cigar', gate)), new OutputLines().push('Failure: CigarTest#test_price\n'));
      const frame = screen({ focus: { app: 'cigar', view: 'run' }, run: fed });
      expect(frame).toContain('▸ tests of cigar: `bin/rails test` in /home/dev/cigar');
      expect(frame).toMatch(/^ {2}│ Failure: CigarTest#test_price$/m);
      expect(frame).toContain('✗ The tests of cigar failed (exit 1 after 4.2 s); nothing was deployed.');
      expect(frame).toContain('Fix them and deploy again (d), or y to deploy anyway (audited as tests skipped).');
      expect(frame).toContain('tests ✗');
    },
  );

  it('Given a deploy without its tests on request, When drawn, Then the view says the audit records them as skipped', () => {
    const frame = screen({
      focus: { app: 'cigar', view: 'run' },
      run: { ...halfway(), tests: { command: ['bin/rails', 'test'], checkout: '/c' }, skipTests: true },
    });
    expect(frame).toContain('Without the tests of cigar (`bin/rails test`), on request: the audit log records them as skipped.');
  });

  it('Given output that never ends, When it is kept, Then only the newest lines stay, and the view shows the end', () => {
    const run = withText(started(), `${Array.from({ length: MAX_OUTPUT_LINES + 500 }, (_, i) => `  │ line ${i}`).join('\n')}\n`);
    expect(run.lines).toHaveLength(MAX_OUTPUT_LINES);
    expect(run.lines[0]).toBe('  │ line 500');
    expect(screen({ focus: { app: 'cigar', view: 'run' }, run })).toContain(`│ line ${MAX_OUTPUT_LINES + 499}`);
  });

  it('Given no deploy of the app in this session, When its deploy view opens, Then it says how to start one', () => {
    expect(screen({ focus: { app: 'cigar', view: 'run' } })).toContain('No deploy of cigar in this session yet: d deploys it.');
  });
});

describe('the deploys screen', () => {
  it('Given two apps, one locked, When the list is drawn, Then each shows its release, state and lock', () => {
    const frame = screen({
      apps: [
        { app: 'cigar', release: '20260125100300', state: 'active/running', lock: LOCK },
        { app: 'tobacco', release: '–', state: 'inactive/dead', lock: null },
      ],
      selected: 1,
    });
    expect(frame).toMatch(/ {2}cigar\s+20260125100300\s+active\/running\s+locked by alice: db maintenance/);
    expect(frame).toMatch(/▶ tobacco\s+–\s+inactive\/dead\s+–/);
  });

  it(
    "Given an app's releases and a rollback that warned, When drawn, " +
      'Then the table marks current, the lock line shows, and the warnings follow',
    () => {
      const frame = screen({
        focus: { app: 'cigar', view: 'releases' },
        releases: [release('20260125100300', true, 2), release('20260124090000', false, 1)],
        selected: 1,
        lock: LOCK,
        result: {
          app: 'cigar',
          ok: true,
          lines: [
            'warning: The database keeps 1 migration(s) that 20260124090000 does not know.',
            'cigar: 20260124090000 is live again (was 20260125100300), healthy, in 3.2 s.',
          ],
        },
      });
      expect(frame).toContain('cigar is locked by alice since 2026-01-25T10:02:00.000Z (manual; reason: db maintenance).');
      expect(frame).toMatch(/RELEASE\s+SHA\s+REF\s+DEPLOYED\s+BY\s+HEALTH\s+MIGRATIONS/);
      expect(frame).toMatch(/ {2}→ 20260125100300\s+0300abcdef01\s+main\s+2026-01-25 10:03:00Z\s+api-token\s+ok 200\s+2/);
      expect(frame).toMatch(/▶ {3}20260124090000/);
      expect(frame).toContain('warning: The database keeps 1 migration(s)');
      expect(frame).toContain('is live again');
    },
  );

  it('Given a lock reason with terminal escapes, When drawn, Then they are shown as text, not obeyed', () => {
    const frame = screen({ apps: [{ app: 'cigar', release: '–', state: 'active/running', lock: { ...LOCK, reason: 'x\u001b[2Jy' } }] });
    expect(frame).not.toContain('\u001b[2J');
  });
});

describe('the agent screen', () => {
  const info = {
    current: '0.1.0-0123456789ab',
    running: '0.1.0-0123456789ab',
    releases: [
      { id: '0.1.0-0123456789ab', installedAt: '2026-01-25T10:00:00.000Z' },
      { id: '20260101000000', installedAt: '2026-01-01T00:00:00.000Z' },
    ],
    update: {
      release: '0.1.0-0123456789ab',
      from: '20260101000000',
      status: 'active' as const,
      startedAt: '2026-01-25T10:00:00.000Z',
      endedAt: '2026-01-25T10:00:04.000Z',
    },
  };

  it('Given an agent with two kept releases, When drawn, Then it shows what runs, what is kept, the last update and this hms build', () => {
    const frame = render(
      <AgentScreen
        server="prod"
        info={info}
        releases={info.releases}
        bundle={{ release: '0.1.0-fedcba987654' }}
        selected={1}
        height={20}
      />,
    ).lastFrame()!;
    expect(frame).toContain('Agent on prod running 0.1.0-0123456789ab · current 0.1.0-0123456789ab');
    expect(frame).toContain('This hms carries agent 0.1.0-fedcba987654.');
    expect(frame).toContain('Last update: 0.1.0-0123456789ab active (from 20260101000000) at 2026-01-25T10:00:04.000Z');
    expect(frame).toMatch(/ {2}● 0\.1\.0-0123456789ab/);
    expect(frame).toMatch(/▶ {3}20260101000000/);
  });

  it('Given an update under way and then rolled back, When drawn, Then the progress lines and the outcome with its detail show', () => {
    const lines = [
      'Uploading agent release 0.1.0-fedcba987654 to prod…',
      'Switching prod to 0.1.0-fedcba987654 (health-checked, rolled back on failure)…',
      '  the agent is restarting…',
    ];
    const running = render(
      <AgentScreen
        server="prod"
        info={info}
        releases={info.releases}
        update={{ server: 'prod', lines, running: true }}
        selected={0}
        height={20}
      />,
    ).lastFrame()!;
    expect(running).toContain('  the agent is restarting…');
    expect(running).toContain('waiting for the outcome…');
    const outcome = {
      ok: false,
      lines: [
        'prod: 0.1.0-fedcba987654 failed its health check and was rolled back to 0.1.0-0123456789ab; the agent keeps answering.',
        'exit 3: this release is broken',
      ],
    };
    const ended = render(
      <AgentScreen
        server="prod"
        info={info}
        releases={info.releases}
        update={{ server: 'prod', lines, running: false, outcome }}
        selected={0}
        height={20}
      />,
    ).lastFrame()!;
    expect(ended).toContain('failed its health check and was rolled back to 0.1.0-0123456789ab');
    expect(ended).toContain('exit 3: this release is broken');
    expect(ended).not.toContain('waiting for the outcome');
  });

  it('Given an hms with no agent build, When drawn, Then it says so', () => {
    const frame = render(
      <AgentScreen server="prod" info={info} releases={[]} bundle={{ error: 'dist/hms-agent.mjs is missing.' }} selected={0} height={20} />,
    ).lastFrame()!;
    expect(frame).toContain('This hms carries no agent: dist/hms-agent.mjs is missing.');
  });
});

/**
 * The deploy hooks against a real agent on loopback (tests/support/served-agent.ts)
 * deploying from a real git repository (tests/support/host-target.ts plays
 * only what this host lacks: bundler, rake, systemd): a deploy streams into the
 * view's run, a locked app is refused naming the holder, `x` stops a deploy before
 * the switch, and rollback, lock and unlock report what the agent said.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listReleases, lock, lockStatus } from '../../../src/client/deploys-client.js';
import { ServerConnections } from '../../../tui/connections.js';
import { useConnection } from '../../../tui/hooks/use-connection.js';
import { useDeployRuns, type DeployRequest } from '../../../tui/hooks/use-deploy-runs.js';
import { useDeploys, type DeployChange } from '../../../tui/hooks/use-deploys.js';
import { runOutcome, stepStrip, type TestGate } from '../../../tui/state/deploy-run.js';
import { servedAgent, type ServedAgent } from '../../support/served-agent.js';
import { hostTarget, type HostTarget } from '../../support/host-target.js';
import { waitFor, waitUntil } from '../../support/wait-for.js';

let target: HostTarget;
let served: ServedAgent;
let connections: ServerConnections;
const notices: string[] = [];
/** Every lock state FeedProbe drew, in order. */
const locksSeen: string[] = [];
let refreshed = 0;
/** The app's checkout on this laptop, where its tests run. */
let checkout: string;
const notify = (level: string, text: string) => notices.push(`${level}: ${text}`);
const onDone = () => {
  refreshed += 1;
};

beforeEach(async () => {
  target = await hostTarget();
  checkout = await mkdtemp(path.join(tmpdir(), 'hms-checkout-'));
  served = await servedAgent({ config: target.config, exec: target.exec });
  connections = new ServerConnections(served.context(), served.config, { names: ['test'], current: 'test', local: false });
  notices.length = 0;
  locksSeen.length = 0;
  askedAnyway.length = 0;
  refreshed = 0;
});
afterEach(async () => {
  await connections.closeAll();
  await served.dispose();
  await target.stop();
  await rm(checkout, { recursive: true, force: true });
});

/** The requests whose tests failed, as app.tsx is told to ask "deploy anyway?". */
const askedAnyway: DeployRequest[] = [];
const onTestsFailed = (request: DeployRequest) => askedAnyway.push(request);

/** Starts a deploy of cigar at mount; `cancelAt` presses x once that step has started. */
function RunProbe({ cancelAt, tests, skipTests }: { cancelAt?: string; tests?: TestGate; skipTests?: boolean }) {
  const runs = useDeployRuns({ connections }, notify, onDone, onTestsFailed);
  const run = runs.get('test', 'cigar');
  if (!run) queueMicrotask(() => runs.start({ server: 'test', app: 'cigar', ref: 'main', tests, skipTests }));
  else if (
    cancelAt &&
    run.running &&
    !run.cancelled &&
    (cancelAt === 'tests' ? run.lines.some((l) => l.includes('started')) : run.steps[cancelAt as 'fetch'])
  )
    queueMicrotask(() => runs.cancel('test', 'cigar'));
  if (!run) return <Text>-</Text>;
  return (
    <Text>
      {[`running=${run.running} cancelled=${run.cancelled}`, `strip=${stepStrip(run)}`, ...run.lines, ...runOutcome(run).lines].join('\n')}
    </Text>
  );
}

function draw(node: React.ReactElement) {
  const app = render(node);
  const frame = () => app.lastFrame() ?? '';
  return { frame, unmount: app.unmount };
}

describe('a deploy from the control center', () => {
  it(
    'Given cigar, When deployed, ' + 'Then the steps arrive as they run with their output, it ends live, and the overview is refreshed',
    async () => {
      const { frame, unmount } = draw(<RunProbe />);
      try {
        await waitFor(() => frame().includes('running=false'), frame, 60_000);
        expect(frame()).toMatch(/^▸ fetch$/m);
        expect(frame()).toMatch(/^ {2}│ deploy\$ git clone --depth 1 --branch main -- file:\/\//m);
        expect(frame()).toMatch(/^✓ health\s+\d+\.\d s/m);
        expect(frame().replace(/\s+/g, ' ')).toContain(
          'strip=lock ✓ · check ✓ · fetch ✓ · link ✓ · bundle ✓ · assets ✓ ' +
            '· backup – · migrate ✓ · tasks – · switch ✓ · restart ✓ · health ✓ · workers – · record ✓ · prune –',
        );
        expect(frame()).toMatch(/✓ Deployed cigar: release \d{14} \([0-9a-f]{12}\) is live in \d+\.\d s\./);
        expect(notices).toEqual([expect.stringMatching(/^ok: Deployed cigar: release \d{14}/)]);
        expect(refreshed).toBe(1);
        expect((await served.agent.deps.audit.recent(1))[0]).toMatchObject({ action: 'deploy', result: 'ok' });
      } finally {
        unmount();
      }
    },
  );

  it(
    'Given tests configured on this laptop that pass, When deployed from here, ' +
      'Then they run first with their output shown, and the deploy is audited with its tests',
    async () => {
      const { frame, unmount } = draw(<RunProbe tests={{ command: ['sh', '-c', 'echo "42 runs, 0 failures"; pwd'], checkout }} />);
      try {
        await waitFor(() => frame().includes('running=false'), frame, 60_000);
        expect(frame()).toContain(`▸ tests of cigar: \`sh -c echo "42 runs, 0 failures"; pwd\` in ${checkout}`);
        expect(frame()).toMatch(/^ {2}│ 42 runs, 0 failures$/m);
        expect(frame()).toMatch(new RegExp(`^ {2}│ ${checkout}$`, 'm'));
        expect(frame()).toMatch(/^✓ tests passed in \d+\.\d s$/m);
        expect(frame()).toMatch(/✓ Deployed cigar: release \d{14}/);
        expect((await served.agent.deps.audit.recent(1))[0]).toMatchObject({
          action: 'deploy',
          result: 'ok',
          detail: expect.stringContaining('tests not skipped'),
        });
        expect(askedAnyway).toEqual([]);
      } finally {
        unmount();
      }
    },
  );

  it(
    'Given tests that fail, When deployed from here, ' +
      'Then nothing is deployed, the output tail and the failure show, and "deploy anyway?" is asked',
    async () => {
      const { frame, unmount } = draw(
        <RunProbe tests={{ command: ['sh', '-c', 'echo "1 failure: CigarTest#test_price"; exit 1'], checkout }} />,
      );
      try {
        await waitFor(() => frame().includes('running=false'), frame, 30_000);
        expect(frame()).toMatch(/^ {2}│ 1 failure: CigarTest#test_price$/m);
        expect(frame()).toMatch(/✗ The tests of cigar failed \(exit 1 after \d+\.\d s\); nothing was deployed\./);
        expect(askedAnyway).toEqual([{ server: 'test', app: 'cigar', ref: 'main', tests: { command: expect.any(Array), checkout } }]);
        expect(notices).toEqual([expect.stringMatching(/^error: ✗ The tests of cigar failed/)]);
        expect(target.calls).toEqual([]);
        expect(await served.agent.deps.audit.recent(1)).toEqual([]);
      } finally {
        unmount();
      }
    },
  );

  it('Given tests under way, When x cancels, Then they are killed, nothing is deployed and nothing is asked', async () => {
    const { frame, unmount } = draw(
      <RunProbe cancelAt="tests" tests={{ command: ['sh', '-c', 'echo started; exec sleep 30'], checkout }} />,
    );
    try {
      await waitFor(() => frame().includes('running=false'), frame, 10_000);
      expect(frame()).toContain('Stopped during the tests of cigar; nothing was deployed.');
      expect(askedAnyway).toEqual([]);
      expect(target.calls).toEqual([]);
    } finally {
      unmount();
    }
  });

  it(
    'Given "deploy anyway" answered yes after failing tests, When deployed, ' +
      'Then the tests do not run and the agent records them as skipped',
    async () => {
      const { frame, unmount } = draw(<RunProbe tests={{ command: ['sh', '-c', 'echo TESTS-RAN >&2; exit 1'], checkout }} skipTests />);
      try {
        await waitFor(() => frame().includes('running=false'), frame, 60_000);
        expect(frame()).not.toContain('TESTS-RAN');
        expect(frame()).not.toContain('▸ tests of cigar');
        expect((await served.agent.deps.audit.recent(1))[0]).toMatchObject({
          action: 'deploy',
          detail: expect.stringContaining('tests skipped'),
        });
      } finally {
        unmount();
      }
    },
  );

  it('Given a manual lock, When deployed, Then the run ends refused saying who holds it and why, and nothing was deployed', async () => {
    const { client } = await served.connect();
    await lock(client, 'cigar', 'db maintenance');
    const { frame, unmount } = draw(<RunProbe />);
    try {
      await waitFor(() => frame().includes('running=false'), frame);
      expect(frame()).toMatch(/✗ test: cigar is locked: held by \S+@\S+ \(api-token\) since \S+ \(reason: db\s+maintenance\)\./);
      expect(frame()).toContain('Wait, or run `hms unlock cigar`.');
      expect(await listReleases(client, 'cigar')).toEqual([]);
      expect(target.calls).toEqual([]);
    } finally {
      unmount();
      await client.close();
    }
  });

  it(
    'Given a deploy at its fetch step, When x cancels it, ' +
      'Then the agent stops before the switch: no release went live and the lock is gone',
    async () => {
      const { frame, unmount } = draw(<RunProbe cancelAt="fetch" />);
      try {
        await waitFor(() => frame().includes('running=false'), frame, 60_000);
        expect(frame()).toContain('cancelled=true');
        expect(frame()).toContain('Stopped; the agent on test stops the deploy of cigar before it switches');
        expect(frame()).not.toMatch(/✓ switch/);
        const { client } = await served.connect();
        try {
          await waitUntil(async () => !(await lockStatus(client, 'cigar')).locked, 20_000, 100);
          expect((await lockStatus(client, 'cigar')).locked).toBe(false);
          expect((await listReleases(client, 'cigar')).some((r) => r.current)).toBe(false);
          expect(target.serving()).toBeNull();
        } finally {
          await client.close();
        }
      } finally {
        unmount();
      }
    },
  );
});

/** Shows the feed; runs `changes` one after the other once the locks are read. */
function FeedProbe({ changes }: { changes: DeployChange[] }) {
  const { client } = useConnection({ connections }, 'test');
  const deploys = useDeploys({ connections }, client, ['cigar'], 'cigar', true, notify, onDone);
  const lock = deploys.locks.cigar ? `${deploys.locks.cigar.by}/${deploys.locks.cigar.reason}` : String(deploys.locks.cigar);
  if (locksSeen.at(-1) !== lock) locksSeen.push(lock);
  if (client && 'cigar' in deploys.locks && !deploys.busy && changes.length > 0) {
    const next = changes.shift()!;
    queueMicrotask(() => void deploys.change(next));
  }
  return (
    <Text>
      {[
        `lock=${deploys.locks.cigar ? `${deploys.locks.cigar.by}/${deploys.locks.cigar.reason}` : String(deploys.locks.cigar)}`,
        `releases=${deploys.releases?.map((r) => `${r.current ? '→' : ''}${r.id}`).join(',') ?? '-'}`,
        `busy=${deploys.busy ?? '-'}`,
        ...(deploys.result?.lines ?? []),
      ].join('\n')}
    </Text>
  );
}

describe('the deploys feed', () => {
  it(
    'Given two releases, When rolled back to the first, ' + 'Then the result warns about the migration and the list marks it live',
    async () => {
      const { client } = await connections.get('test');
      const first = draw(<RunProbe />);
      await waitFor(() => first.frame().includes('running=false'), first.frame, 60_000);
      first.unmount();
      await target.commit({ 'db/migrate/20260102000000_add_note.rb': 'class AddNote; end\n' }, 'two');
      const second = draw(<RunProbe />);
      await waitFor(() => second.frame().includes('running=false'), second.frame, 60_000);
      second.unmount();
      const [two, one] = await listReleases(client, 'cigar');

      const { frame, unmount } = draw(<FeedProbe changes={[{ kind: 'rollback', server: 'test', app: 'cigar', release: one!.id }]} />);
      try {
        await waitFor(() => frame().includes('is live again'), frame, 60_000);
        expect(frame().replace(/\s+/g, ' ')).toMatch(
          / warning: The database keeps 1 migration\(s\) that \d{14} does not know: 20260102000000_add_note\.rb/,
        );
        expect(frame()).toContain(`cigar: ${one!.id} is live again (was ${two!.id})`);
        await waitFor(() => frame().includes(`releases=${two!.id},→${one!.id}`), frame);
      } finally {
        unmount();
      }
    },
  );

  it(
    'Given no lock, When locked with a reason and unlocked, ' +
      'Then each result reads as the CLI says it, and a second unlock says there is none',
    async () => {
      const changes: DeployChange[] = [
        { kind: 'lock', server: 'test', app: 'cigar', reason: 'db maintenance' },
        { kind: 'unlock', server: 'test', app: 'cigar' },
        { kind: 'unlock', server: 'test', app: 'cigar' },
      ];
      const { frame, unmount } = draw(<FeedProbe changes={changes} />);
      try {
        // The next change starts as soon as the feed is idle, so the locked state may show for one frame only: every state drawn is kept.
        await waitFor(
          () => locksSeen.some((l) => /^\S+@\S+ \(api-token\)\/db maintenance$/.test(l)),
          () => `${frame()}\nlocks seen: ${locksSeen.join(' | ')}`,
        );
        await waitFor(
          () =>
            notices.some((n) => /^ok: cigar is locked by \S+@\S+ \(api-token\) since \S+ \(manual; reason: db maintenance\)\.$/.test(n)),
          () => notices.join('\n'),
        );
        await waitFor(() => notices.some((n) => /^ok: cigar unlocked \(was: locked by \S+@\S+ \(api-token\)/.test(n)), frame);
        await waitFor(() => notices.some((n) => n.startsWith('error: ')), frame);
        expect(frame()).toMatch(/lock=null/);
        expect(notices.at(-1)).toMatch(/^error: test: .*not locked/i);
      } finally {
        unmount();
      }
    },
  );
});

/**
 * The overview's feed against a real agent on a loopback port (tests/support/served-agent.ts):
 * connected, then the agent goes away (reconnecting, polling goes on), then it comes back.
 */
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApps } from '../../../tui/hooks/use-apps.js';
import { ServerConnections } from '../../../tui/connections.js';
import { TuiStats } from '../../../tui/stats.js';
import { servedAgent, type ServedAgent } from '../../support/served-agent.js';
import { waitFor } from '../../support/wait-for.js';

function Probe({ connections, intervalMs = 200 }: { connections: ServerConnections; intervalMs?: number }) {
  const { links } = useApps({ connections, stats: new TuiStats() }, ['test'], intervalMs);
  const link = links[0]!;
  return (
    <Text>
      {`${link.status} apps=${link.snapshot?.apps.map((a) => a.name).join(',') ?? '-'} ` +
        `version=${link.version ?? '-'} failures=${link.failures} at=${link.snapshot?.at ?? '-'}`}
    </Text>
  );
}

const atOf = (frame: string | undefined): string => /at=(\S+)/.exec(frame ?? '')?.[1] ?? '-';

describe('useApps with a real agent', () => {
  let served: ServedAgent;
  let connections: ServerConnections;
  beforeAll(async () => {
    served = await servedAgent();
    connections = new ServerConnections(served.context(), served.config, { names: ['test'], current: 'test', local: false });
  });
  afterAll(async () => {
    await connections.closeAll();
    await served.stop();
  });

  it('Given a running agent, When it stops and comes back, Then the feed says reconnecting and then heals by itself', async () => {
    const { lastFrame, unmount } = render(<Probe connections={connections} />);
    try {
      await waitFor(
        () => lastFrame()!.startsWith('connected'),
        () => lastFrame()!,
      );
      expect(lastFrame()).toMatch(/apps=.*agent/);
      expect(lastFrame()).toContain('version=0.0.0-test');
      await served.stop();
      await waitFor(
        () => lastFrame()!.startsWith('reconnecting'),
        () => lastFrame()!,
      );
      expect(lastFrame()).toMatch(/failures=[1-9]/);
      await served.start();
      await waitFor(
        () => lastFrame()!.startsWith('connected'),
        () => lastFrame()!,
        20_000,
      );
      expect(lastFrame()).toContain('failures=0');
    } finally {
      unmount();
    }
  });

  it(
    'Given the apps prefetched while the code loaded, When the feed starts, Then its first frame shows them, ' +
      'and the next poll comes after the pause, not at once',
    async () => {
      const prefetched = new ServerConnections(served.context(), served.config, { names: ['test'], current: 'test', local: false });
      try {
        prefetched.prefetch();
        await waitFor(
          () => prefetched.arrivedApps('test') !== undefined,
          () => 'the prefetched answer',
        );
        const started = Date.now();
        const { lastFrame, unmount } = render(<Probe connections={prefetched} intervalMs={600} />);
        try {
          const first = lastFrame()!;
          expect(first).toMatch(/^connected apps=.*agent/);
          expect(prefetched.arrivedApps('test')).toBeUndefined(); // taken: no second answer from the prefetch
          await waitFor(
            () => atOf(lastFrame()) !== atOf(first),
            () => lastFrame()!,
          );
          expect(Date.now() - started).toBeGreaterThanOrEqual(550);
        } finally {
          unmount();
        }
      } finally {
        await prefetched.closeAll();
      }
    },
  );

  it('Given a prefetch that failed (agent down), When the feed starts, Then it first says connecting, then the failure', async () => {
    await served.stop();
    const prefetched = new ServerConnections(served.context(), served.config, { names: ['test'], current: 'test', local: false });
    try {
      prefetched.prefetch();
      const { lastFrame, unmount } = render(<Probe connections={prefetched} />);
      try {
        expect(lastFrame()).toMatch(/^connecting apps=-/);
        await waitFor(
          () => lastFrame()!.startsWith('reconnecting'),
          () => lastFrame()!,
        );
        expect(prefetched.arrivedApps('test')).toBeUndefined();
      } finally {
        unmount();
      }
    } finally {
      await served.start();
      await prefetched.closeAll();
    }
  });
});

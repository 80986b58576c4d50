/**
 * The log view's feed against a real agent following a real file
 * (tests/support/served-agent.ts): lines arrive tagged, in batches, and the ring
 * buffer keeps only the newest.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLogFollow } from '../../../tui/hooks/use-log-follow.js';
import { ServerConnections } from '../../../tui/connections.js';
import { TuiStats } from '../../../tui/stats.js';
import { servedAgent, type ServedAgent } from '../../support/served-agent.js';
import { testAgent } from '../../support/agent.js';
import { waitFor } from '../../support/wait-for.js';

const target = { server: 'test', sources: ['cigar:production'] };

function Probe({ connections, stats }: { connections: ServerConnections; stats: TuiStats }) {
  const { buffer, streams } = useLogFollow({ connections, stats }, target, 100);
  const newest = buffer.at(buffer.total - 1);
  return (
    <Text>
      {`${streams['cigar:production']?.state ?? '-'} size=${buffer.size} total=${buffer.total} ` +
        `newest=${newest ? `${newest.source} ${newest.text.slice(-20)}` : '-'}`}
    </Text>
  );
}

describe('useLogFollow with a real agent', () => {
  let served: ServedAgent;
  let connections: ServerConnections;
  let log: string;
  beforeAll(async () => {
    const root = path.join((await testAgent()).dir, 'cigar');
    log = path.join(root, 'shared', 'log', 'production.log');
    await mkdir(path.dirname(log), { recursive: true });
    await writeFile(log, 'I, [2026-01-01T10:00:00.000000 #1]  INFO -- : booted\n');
    served = await servedAgent({ config: { apps: { cigar: { unit: 'cigar.service', root } } } });
    connections = new ServerConnections(served.context(), served.config, { names: ['test'], current: 'test', local: false });
  });
  afterAll(async () => {
    await connections.closeAll();
    await served.stop();
  });

  it('Given a followed production log, When 300 lines are written, Then they arrive tagged and only the newest 100 are kept', async () => {
    const stats = new TuiStats();
    const { lastFrame, unmount } = render(<Probe connections={connections} stats={stats} />);
    try {
      await waitFor(
        () => lastFrame()!.includes('newest=cigar:production 1]  INFO -- : booted'),
        () => lastFrame()!,
      );
      const lines = Array.from({ length: 300 }, (_, i) => `I, [2026-01-01T10:00:01.000000 #1]  INFO -- : line seq=${i}\n`).join('');
      await appendFile(log, lines);
      await waitFor(
        () => lastFrame()!.includes('seq=299'),
        () => lastFrame()!,
      );
      expect(lastFrame()).toMatch(/^following size=100 total=301 /);
      expect(stats.sources['cigar:production']).toMatchObject({
        received: 301,
        droppedByAgent: 0,
        seq: { count: 300, first: 0, last: 299, jumps: 0 },
      });
      expect(stats.batches).toBeLessThan(50);
    } finally {
      unmount();
    }
  });
});

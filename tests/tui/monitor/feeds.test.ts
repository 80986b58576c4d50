/**
 * hms monitor's IO, against a real agent on a loopback port (tests/support/served-agent.ts)
 * with real log files in a temp folder: one refresh's snapshot, the refresh loop
 * across an agent restart, and the followed log. systemd cannot run here, so the
 * apps' states are "unknown": the agent reports that itself.
 */
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../../src/api/logs.js';
import type { Connected } from '../../../src/client/connect.js';
import { feedLog } from '../../../tui/monitor/log-feed.js';
import { trafficView } from '../../../tui/monitor/metrics-view.js';
import { nextDelayMs, refreshEvery } from '../../../tui/monitor/refresh-loop.js';
import { loadSnapshot, type Snapshot } from '../../../tui/monitor/snapshot-source.js';
import { servedAgent, type ServedAgent } from '../../support/served-agent.js';
import { waitFor } from '../../support/wait-for.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function agentWithLogs(): Promise<{ served: ServedAgent; connected: Connected; accessLog: string; errorLog: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-monitor-logs-'));
  const accessLog = path.join(dir, 'access.log');
  const errorLog = path.join(dir, 'error.log');
  await writeFile(accessLog, '');
  await writeFile(errorLog, '');
  const served = await servedAgent({ config: { nginx: { accessLog, errorLog } } });
  const connected = await served.connect();
  cleanups.push(async () => {
    await connected.close();
    await served.dispose();
    await rm(dir, { recursive: true, force: true });
  });
  return { served, connected, accessLog, errorLog };
}

/** `[25/Nov/2026:18:02:11 +0000]` for a time `secondsAgo` before now. */
function nginxTime(secondsAgo: number): string {
  const d = new Date(Date.now() - secondsAgo * 1000);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(d.getUTCDate())}/${month}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    ` +0000`
  );
}

describe('one refresh', () => {
  it(
    'Given an agent whose access log has requests from just now, When a snapshot is loaded, ' +
      'Then metrics and apps come and the chart counts the requests and the 5xx',
    async () => {
      const { connected, accessLog } = await agentWithLogs();
      const line = (status: number) => `203.0.113.9 - - [${nginxTime(1)}] "GET / HTTP/1.1" ${status} 612 "-" "curl/8.5"\n`;
      await appendFile(accessLog, line(200) + line(200) + line(502));
      const snapshot = await loadSnapshot(connected.client, { signal: new AbortController().signal, timeoutMs: 10_000 });
      expect(snapshot.errors).toEqual([]);
      expect(snapshot.metrics!.memory.totalBytes).toBeGreaterThan(0);
      expect(snapshot.apps!.apps.map((a) => a.name)).toEqual(expect.arrayContaining(['nginx', 'agent']));
      const traffic = trafficView(snapshot.metrics!);
      expect(traffic.series.map((s) => s.y.reduce((a, b) => a + b, 0))).toEqual([3, 1]);
      expect(traffic.label).toContain('3 in 15 min, 1 5xx');
    },
  );

  it('Given an agent that is down, When a snapshot is loaded, Then it fails saying the agent cannot be reached', async () => {
    const { served, connected } = await agentWithLogs();
    await served.stop();
    await expect(loadSnapshot(connected.client, { signal: new AbortController().signal, timeoutMs: 10_000 })).rejects.toThrow(
      /Cannot reach the agent on test/,
    );
  });
});

describe('the refresh loop', () => {
  it('Given failures in a row, When waiting, Then the interval holds until the backoff is longer, up to 10 s', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((failures) => nextDelayMs(2000, failures))).toEqual([2000, 2000, 2000, 2000, 4000, 8000, 10_000]);
  });

  it(
    'Given a running monitor, When the agent restarts, ' +
      'Then the failure is reported with its retry delay, and refreshes resume by themselves',
    async () => {
      const { served, connected } = await agentWithLogs();
      const events: Array<{ kind: 'data'; snapshot: Snapshot } | { kind: 'error'; message: string; retryInMs: number }> = [];
      const seen = () => events.map((e) => (e.kind === 'error' ? e.message : e.kind)).join('\n');
      const stop = new AbortController();
      const loop = refreshEvery({
        intervalMs: 100,
        signal: stop.signal,
        load: (signal) => loadSnapshot(connected.client, { signal, timeoutMs: 5000 }),
        onData: (snapshot) => events.push({ kind: 'data', snapshot }),
        onError: (error, retryInMs) => events.push({ kind: 'error', message: (error as Error).message, retryInMs }),
      });
      await waitFor(() => events.some((e) => e.kind === 'data'), seen);
      await served.stop();
      await waitFor(() => events.some((e) => e.kind === 'error'), seen);
      await served.start();
      const failedAt = events.findIndex((e) => e.kind === 'error');
      await waitFor(() => events.slice(failedAt).some((e) => e.kind === 'data'), seen);
      stop.abort();
      await loop;
      const failure = events[failedAt] as { message: string; retryInMs: number };
      expect(failure.message).toMatch(/Cannot reach the agent on test/);
      expect(failure.retryInMs).toBe(500);
    },
  );
});

describe('the followed log', () => {
  it(
    'Given a log with lines, When followed, ' + 'Then the backlog comes first and new lines as they are written, with their times',
    async () => {
      const { connected, errorLog } = await agentWithLogs();
      await appendFile(
        errorLog,
        '2026/11/25 18:02:09 [error] 812#812: *1 old one\n2026/11/25 18:02:10 [error] 812#812: *2 backlog one\n' +
          '2026/11/25 18:02:11 [warn] 812#812: *3 backlog two\n',
      );
      const lines: LogLine[] = [];
      const notes: string[] = [];
      const stop = new AbortController();
      const feed = feedLog({
        client: connected.client,
        source: 'nginx:error',
        backlog: 2,
        signal: stop.signal,
        onLine: (l) => lines.push(l),
        onNote: (n) => notes.push(n),
      });
      await waitFor(
        () => lines.length === 2,
        () => JSON.stringify(lines),
      );
      await appendFile(errorLog, '2026/11/25 18:02:12 [error] 812#812: *4 upstream timed out\n');
      await waitFor(
        () => lines.length === 3,
        () => JSON.stringify(lines),
      );
      stop.abort();
      await feed;
      expect(lines.map((l) => l.text.replace(/^.*\*\d /, ''))).toEqual(['backlog one', 'backlog two', 'upstream timed out']);
      expect(lines[2]!.ts).toBe('2026-11-25T18:02:12.000Z');
      expect(notes).toEqual([]);
    },
  );

  it(
    'Given the agent is down when the monitor starts, When it comes up, ' + 'Then the panel said it retries, and the log follows after all',
    async () => {
      const { served, connected, errorLog } = await agentWithLogs();
      await served.stop();
      const lines: LogLine[] = [];
      const notes: string[] = [];
      const stop = new AbortController();
      const feed = feedLog({
        client: connected.client,
        source: 'nginx:error',
        backlog: 5,
        signal: stop.signal,
        onLine: (l) => lines.push(l),
        onNote: (n) => notes.push(n),
      });
      await waitFor(
        () => notes.length > 0,
        () => JSON.stringify(notes),
      );
      await appendFile(errorLog, '2026/11/25 18:02:12 [error] 812#812: *1 written while the agent was down\n');
      await served.start();
      await waitFor(
        () => lines.length === 1,
        () => JSON.stringify(lines),
      );
      stop.abort();
      await feed;
      expect(notes[0]).toMatch(/^Cannot follow nginx:error yet: Cannot reach the agent on test .* Retrying in 1 s\.$/);
      expect(lines[0]!.text).toContain('written while the agent was down');
    },
  );

  it('Given a log the agent does not know, When followed, Then it stops at once and says how to find the right name', async () => {
    const { connected } = await agentWithLogs();
    const notes: string[] = [];
    await feedLog({
      client: connected.client,
      source: 'nope:production',
      backlog: 5,
      signal: new AbortController().signal,
      onLine: () => undefined,
      onNote: (n) => notes.push(n),
    });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^Stopped following nope:production: test: .*nope:production/);
  });
});

import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SSEStreamingApi } from 'hono/streaming';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linesOf, logLinesEventSchema, type LogLine } from '../../../../src/api/logs.js';
import { LOG_FOLLOW_EVENTS, type LogFollowEvents, type StreamEvent } from '../../../../src/api/streams.js';
import { readEvent } from '../../../../src/client/events.js';
import { readSse } from '../../../../src/client/sse.js';
import { exec } from '../../../../src/platform/exec.js';
import { waitFor } from '../../../support/wait-for.js';
import { agentConfigSchema } from '../../../../server/config.js';
import { planFollow } from '../../../../server/services/logs/follow.js';
import { batchOf, LineQueue, MAX_EVENT_LINES, MAX_PENDING_CHARS, streamFollow } from '../../../../server/services/logs/follow-sse.js';

let dir: string;
let log: string;
const railsLine = (n: number) => `I, [2026-12-07T12:00:0${Math.floor(n / 1000) % 10}.000000 #1]  INFO -- : seq=${n}`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-follow-sse-'));
  log = path.join(dir, 'production.log');
  await writeFile(log, '');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The events a client reads from the stream, as the contract types them, until `until` says enough. */
async function clientEvents(
  stream: SSEStreamingApi,
  until: (events: StreamEvent<LogFollowEvents>[], lines: number) => boolean,
  seen: { lines: number } = { lines: 0 },
) {
  const events: StreamEvent<LogFollowEvents>[] = [];
  const reader = stream.responseReadable.getReader();
  async function* body() {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value as Uint8Array;
    }
  }
  for await (const raw of readSse(body())) {
    const event = readEvent(LOG_FOLLOW_EVENTS, raw, 'test');
    if (event) events.push(event);
    if (event?.event === 'line') seen.lines += 1;
    if (event?.event === 'lines') seen.lines += event.data.text.length;
    if (until(events, seen.lines)) break;
  }
  await reader.cancel();
  return events;
}

const linesIn = (events: StreamEvent<LogFollowEvents>[]): LogLine[] =>
  events.flatMap((e) => (e.event === 'lines' ? linesOf(e.data) : e.event === 'line' ? [e.data] : []));

describe('streamFollow at a high rate (the real tail -F)', () => {
  for (const batched of [true, false]) {
    it(
      `Given ${batched ? 'a client that asks for batches' : 'an older client'}, When 20,000 lines are appended at once, ` +
        `Then all come in order with their times, as ${batched ? 'a few `lines` events' : '`line` events'}`,
      async () => {
        await writeFile(log, '');
        const config = agentConfigSchema.parse({ apps: {}, nginx: { errorLog: log } });
        const plan = await planFollow({ config, source: 'nginx:error', query: { lines: 0, ignoreCase: false } });
        plan.format = 'rails';
        const { readable, writable } = new TransformStream();
        const stream = new SSEStreamingApi(writable, readable);
        const done = streamFollow(stream, { exec, plan, batched });
        // Once a marker line comes back, tail -F has the file open: then the 20,000 are appended at once.
        const seen = { lines: 0 };
        let markers = 0;
        const reading = clientEvents(stream, (_, lines) => markers > 0 && lines >= markers + 20_000, seen);
        await waitFor(
          async () => {
            if (seen.lines > 0) return true;
            await appendFile(log, 'ready\n');
            markers += 1;
            return false;
          },
          () => 'tail to pass on a marker line',
          5_000,
          50,
        );
        markers = seen.lines;
        await appendFile(log, `${Array.from({ length: 20_000 }, (_, n) => railsLine(n)).join('\n')}\n`);
        const events = await reading;
        await done;
        const lines = linesIn(events).filter((line) => line.text !== 'ready');
        expect(lines.map((l) => l.text)).toEqual(Array.from({ length: 20_000 }, (_, n) => railsLine(n)));
        expect(lines[19_999]!.ts).toBe(new Date(2026, 11, 7, 12, 0, 9).toISOString());
        const kinds = new Set(events.map((e) => e.event));
        expect([...kinds]).toEqual([batched ? 'lines' : 'line']);
        if (batched) expect(events.length).toBeLessThanOrEqual(200);
      },
    );
  }
});

describe('LineQueue', () => {
  it('Given a client that reads nothing, When more lines come than may wait, Then the rest are dropped and counted', async () => {
    const { readable, writable } = new TransformStream();
    const stream = new SSEStreamingApi(writable, readable);
    const queue = new LineQueue(stream, true);
    const text = 'x'.repeat(1000);
    const sent = 20 * 1000;
    for (let batch = 0; batch < 20; batch += 1) queue.lines(Array.from({ length: 1000 }, () => ({ text })));
    queue.send('end', { reason: 'test over' });
    const events = await clientEvents(stream, (seen) => seen.at(-1)?.event === 'end');
    const kept = linesIn(events).length;
    const dropped = events.flatMap((e) => (e.event === 'dropped' ? [e.data.count] : []));
    expect(dropped).toHaveLength(1);
    expect(kept + dropped[0]!).toBe(sent);
    // What waited is bounded by MAX_PENDING_CHARS, beyond the write already under way.
    expect(kept * (text.length + 40)).toBeLessThanOrEqual(MAX_PENDING_CHARS + 1000 * (text.length + 40) + text.length + 40);
    expect(events.map((e) => e.event).slice(-2)).toEqual(['dropped', 'end']);
    expect(events.filter((e) => e.event === 'lines').every((e) => e.data.text.length <= MAX_EVENT_LINES)).toBe(true);
  });

  it('Given lines with and without a time, When batched and read back, Then each line has the time it had', () => {
    const lines: LogLine[] = [{ text: 'no time yet' }, { text: 'a', ts: 't1' }, { text: 'b', ts: 't1' }, { text: 'c', ts: 't2' }];
    const batch = batchOf(lines);
    expect(batch.ts).toEqual([
      [1, 't1'],
      [3, 't2'],
    ]);
    expect(linesOf(batch)).toEqual(lines);
  });
});

describe('the lines event contract', () => {
  it('Given lines events in shapes the contract does not know, When read, Then each is refused, and a good one passes', () => {
    const good = { text: ['a', 'b'], ts: [[0, 't']] };
    expect(logLinesEventSchema.safeParse(good).success).toBe(true);
    for (const bad of [
      null,
      { text: ['a'] },
      { text: ['a', 1], ts: [] },
      { text: ['a'], ts: [[1, 't']] },
      {
        text: ['a', 'b'],
        ts: [
          [1, 't'],
          [0, 'u'],
        ],
      },
      { text: ['a'], ts: [[0.5, 't']] },
      { text: ['a'], ts: [[0, 7]] },
    ]) {
      expect(logLinesEventSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

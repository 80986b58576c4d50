import { describe, expect, it } from 'vitest';
import { readSse, type SseEvent } from '../../src/client/sse.js';

async function read(chunks: Array<string | Uint8Array>): Promise<SseEvent[]> {
  async function* body() {
    yield* chunks;
  }
  const events: SseEvent[] = [];
  for await (const event of readSse(body())) events.push(event);
  return events;
}

describe('readSse', () => {
  it('Given events cut anywhere (in a field, between CR and LF, in a UTF-8 character), When read, Then each comes whole', async () => {
    const wire = Buffer.from(': open\n\nevent: line\r\ndata: {"text":"café"}\r\n\r\nid: 7\ndata: one\ndata: two\n\n');
    const whole = await read([wire]);
    expect(whole).toEqual([
      { event: 'line', data: '{"text":"café"}' },
      { event: 'message', data: 'one\ntwo', id: '7' },
    ]);
    // Every cut of the bytes in two gives the same events.
    for (let cut = 1; cut < wire.length; cut += 1) {
      expect(await read([wire.subarray(0, cut), wire.subarray(cut)]), `cut at ${cut}`).toEqual(whole);
    }
  });

  it('Given one event of 2 MB arriving in 1-kB chunks, When read, Then it is one event with all its data, in linear time', async () => {
    const data = JSON.stringify({ text: Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(80)}`) });
    const wire = `event: lines\ndata: ${data}\n\nevent: end\ndata: {}\n\n`;
    const chunks: string[] = [];
    for (let i = 0; i < wire.length; i += 1024) chunks.push(wire.slice(i, i + 1024));
    const started = performance.now();
    const events = await read(chunks);
    // Rescanning what was kept per chunk would be ~2,000 passes over up to 2 MB: seconds, not this.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(events.map((e) => e.event)).toEqual(['lines', 'end']);
    expect(events[0]!.data).toBe(data);
  });

  it('Given a stream that ends in the middle of an event, When read, Then that event is not given (it never completed)', async () => {
    expect(await read(['event: line\ndata: {"text":"a"}\n\nevent: line\ndata: {"te'])).toEqual([{ event: 'line', data: '{"text":"a"}' }]);
  });
});

import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../../tui/state/ring-buffer.js';

describe('RingBuffer', () => {
  it('Given more items than it holds, When pushed, Then it keeps the newest in order and counts positions from the first ever', () => {
    const buffer = new RingBuffer<number>(3);
    buffer.pushAll([1, 2, 3, 4, 5]);
    expect(buffer.size).toBe(3);
    expect(buffer.total).toBe(5);
    expect(buffer.first).toBe(2);
    expect(buffer.slice(0, 10)).toEqual([3, 4, 5]);
    expect(buffer.at(1)).toBeUndefined();
    expect(buffer.at(4)).toBe(5);
  });

  it('Given 60,000 lines into a 50,000-line buffer, When read, Then exactly the newest 50,000 remain', () => {
    const buffer = new RingBuffer<string>(50_000);
    for (let i = 0; i < 60_000; i += 1) buffer.push(`line ${i}`);
    expect(buffer.size).toBe(50_000);
    expect(buffer.at(buffer.first)).toBe('line 10000');
    expect(buffer.at(buffer.total - 1)).toBe('line 59999');
  });

  it('Given a cleared buffer, When new items come, Then old positions never point at them', () => {
    const buffer = new RingBuffer<string>(4);
    buffer.pushAll(['a', 'b']);
    buffer.clear();
    buffer.push('c');
    expect(buffer.size).toBe(1);
    expect(buffer.at(0)).toBeUndefined();
    expect(buffer.at(2)).toBe('c');
  });

  it('Given a capacity that is not a positive integer, When built, Then it refuses', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});

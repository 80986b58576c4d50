/**
 * Reading D-Bus values from bytes: the containers systemd's properties use, and
 * messages that lie about their length or their types.
 */
import { describe, expect, it } from 'vitest';
import { Reader, singleTypes } from '../../../../server/services/apps/dbus-read.js';
import { decodeMessage, encodeMessage, METHOD_RETURN } from '../../../../server/services/apps/dbus-wire.js';

describe('D-Bus values from bytes', () => {
  it('Given signatures with containers, When split, Then into single complete types; a broken one is refused', () => {
    expect(singleTypes('sa(sb)ua{sv}at')).toEqual(['s', 'a(sb)', 'u', 'a{sv}', 'at']);
    expect(singleTypes('')).toEqual([]);
    expect(() => singleTypes('a(sb')).toThrow(/ends early/);
    expect(() => singleTypes('h')).toThrow(/not read here/);
    expect(() => singleTypes(`${'a'.repeat(40)}s`)).toThrow(/too deep/);
  });

  it('Given replies holding as and a(sb) in a variant, When decoded, Then arrays, and structs as arrays of their fields', () => {
    const reply = (typed: Parameters<typeof encodeMessage>[3][number]) =>
      decodeMessage(encodeMessage(METHOD_RETURN, 7, { replySerial: 3 }, [['v', typed]]));
    expect(reply(['as', ['A=1', 'B=two words', '']]).body).toEqual([['A=1', 'B=two words', '']]);
    expect(
      reply([
        'a(sb)',
        [
          ['/etc/a.env', true],
          ['/etc/b.env', false],
        ],
      ]).body,
    ).toEqual([
      [
        ['/etc/a.env', true],
        ['/etc/b.env', false],
      ],
    ]);
    expect(reply(['a(sb)', []]).body).toEqual([[]]);
  });

  it('Given an array whose length runs past the message, When read, Then it is refused, not read beyond', () => {
    const bytes = Buffer.alloc(16);
    bytes.writeUInt32LE(1000, 0);
    expect(() => new Reader(bytes, 0).value('as')).toThrow(/ends early/);
  });
});

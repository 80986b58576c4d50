/**
 * The little of the D-Bus wire format (dbus specification, "Message Protocol") the agent
 * needs to ask systemd for properties: a METHOD_CALL with string arguments, and the
 * replies, little-endian only (values read by dbus-read.ts). Pure
 * functions on bytes; systemd-bus.ts does the talking.
 */

import { Reader, singleTypes } from './dbus-read.js';

export const METHOD_CALL = 1;
export const METHOD_RETURN = 2;
export const ERROR = 3;

const FIELD = { path: 1, interface: 2, member: 3, errorName: 4, replySerial: 5, signature: 8 } as const;

export interface Call {
  path: string;
  interface: string;
  member: string;
  /** Every argument is a string ('s'). */
  args: string[];
}

export interface Message extends Header {
  type: number;
  serial: number;
  /** The body's values, decoded; a variant as its value. */
  body: unknown[];
}

/** Writes into one buffer that is large enough for the call (sized from its strings). */
class Writer {
  pos = 0;
  constructor(readonly buffer: Buffer) {}
  align(n: number): void {
    const to = Math.ceil(this.pos / n) * n;
    this.buffer.fill(0, this.pos, to);
    this.pos = to;
  }
  byte(value: number): void {
    this.buffer[this.pos++] = value;
  }
  uint32(value: number): void {
    this.align(4);
    this.pos = this.buffer.writeUInt32LE(value, this.pos);
  }
  string(value: string): void {
    const at = this.pos + ((4 - (this.pos % 4)) % 4);
    this.uint32(0);
    const length = this.buffer.write(value, this.pos, 'utf8');
    this.buffer.writeUInt32LE(length, at);
    this.pos += length;
    this.byte(0);
  }
  signature(value: string): void {
    this.byte(value.length);
    this.pos += this.buffer.write(value, this.pos, 'ascii');
    this.byte(0);
  }
}

/** A value with its D-Bus type: a string, an object path, a u32, a u64, a variant of one, or the arrays systemd's Environment* are. */
export type Typed =
  | ['s', string]
  | ['o', string]
  | ['u', number]
  | ['t', bigint]
  | ['v', Typed]
  | ['as', string[]]
  | ['a(sb)', Array<[string, boolean]>];

const signatureOf = (value: Typed): string => value[0];

function writeTyped(writer: Writer, typed: Typed): void {
  if (typed[0] === 's' || typed[0] === 'o') writer.string(typed[1]);
  else if (typed[0] === 'u') writer.uint32(typed[1]);
  else if (typed[0] === 't') {
    writer.align(8);
    writer.pos = writer.buffer.writeBigUInt64LE(typed[1], writer.pos);
  } else if (typed[0] === 'v') {
    writer.signature(typed[1][0]);
    writeTyped(writer, typed[1]);
  } else writeArray(writer, typed);
}

function writeArray(writer: Writer, typed: ['as', string[]] | ['a(sb)', Array<[string, boolean]>]): void {
  writer.uint32(0); // the array's length in bytes, once known
  const lengthAt = writer.pos - 4;
  writer.align(typed[0] === 'as' ? 4 : 8);
  const start = writer.pos;
  if (typed[0] === 'as') for (const text of typed[1]) writer.string(text);
  else
    for (const [text, flag] of typed[1]) {
      writer.align(8);
      writer.string(text);
      writer.uint32(flag ? 1 : 0);
    }
  writer.buffer.writeUInt32LE(writer.pos - start, lengthAt);
}

function typedSize(typed: Typed): number {
  if (typed[0] === 's' || typed[0] === 'o') return Buffer.byteLength(typed[1]) + 16;
  if (typed[0] === 'v') return 8 + typedSize(typed[1]);
  if (typed[0] === 'as') return 16 + typed[1].reduce((sum, text) => sum + Buffer.byteLength(text) + 16, 0);
  if (typed[0] === 'a(sb)') return 16 + typed[1].reduce((sum, [text]) => sum + Buffer.byteLength(text) + 24, 0);
  return 16;
}

export interface Header {
  path?: string;
  interface?: string;
  member?: string;
  errorName?: string;
  replySerial?: number;
}

/** One message, ready to write to a socket (the agent writes calls; tests play systemd's side). */
export function encodeMessage(type: number, serial: number, header: Header, body: Typed[]): Buffer {
  const strings = [header.path, header.interface, header.member, header.errorName].filter((text) => text !== undefined);
  const size = 128 + strings.reduce((sum, text) => sum + Buffer.byteLength(text) + 16, 0) + body.reduce((sum, v) => sum + typedSize(v), 0);
  const writer = new Writer(Buffer.alloc(size));
  writer.byte('l'.charCodeAt(0));
  writer.byte(type);
  writer.byte(0);
  writer.byte(1);
  writer.uint32(0); // the body's length, once known
  writer.uint32(serial);
  writer.uint32(0); // the header fields' length, once known
  const field = (code: number, value: Typed) => {
    writer.align(8);
    writer.byte(code);
    writeTyped(writer, ['v', value]);
  };
  if (header.path !== undefined) field(FIELD.path, ['o', header.path]);
  if (header.interface !== undefined) field(FIELD.interface, ['s', header.interface]);
  if (header.member !== undefined) field(FIELD.member, ['s', header.member]);
  if (header.errorName !== undefined) field(FIELD.errorName, ['s', header.errorName]);
  if (header.replySerial !== undefined) field(FIELD.replySerial, ['u', header.replySerial]);
  if (body.length > 0) {
    writer.align(8);
    writer.byte(FIELD.signature);
    writer.signature('g');
    writer.signature(body.map(signatureOf).join(''));
  }
  writer.buffer.writeUInt32LE(writer.pos - 16, 12);
  writer.align(8);
  const bodyStart = writer.pos;
  for (const value of body) writeTyped(writer, value);
  writer.buffer.writeUInt32LE(writer.pos - bodyStart, 4);
  return writer.buffer.subarray(0, writer.pos);
}

/** One METHOD_CALL with string arguments. */
export function encodeCall(serial: number, call: Call): Buffer {
  const { path, interface: iface, member } = call;
  return encodeMessage(
    METHOD_CALL,
    serial,
    { path, interface: iface, member },
    call.args.map((arg): Typed => ['s', arg]),
  );
}

/** The length of the whole message at the start of `buffer`, or null while its fixed header is incomplete. */
export function messageLength(buffer: Buffer): number | null {
  if (buffer.length < 16) return null;
  if (buffer[0] !== 'l'.charCodeAt(0)) throw new Error('D-Bus: only little-endian messages are read');
  const fields = buffer.readUInt32LE(12);
  return 16 + Math.ceil(fields / 8) * 8 + buffer.readUInt32LE(4);
}

/** One whole message (as long as messageLength said). */
export function decodeMessage(buffer: Buffer): Message {
  const reader = new Reader(buffer, 16);
  const fieldsEnd = 16 + buffer.readUInt32LE(12);
  const message: Message = { type: buffer[1]!, serial: buffer.readUInt32LE(8), body: [] };
  let signature = '';
  while (reader.pos < fieldsEnd) {
    reader.align(8);
    const code = reader.byte();
    const value = reader.value('v');
    if (code === FIELD.path) message.path = value as string;
    else if (code === FIELD.member) message.member = value as string;
    else if (code === FIELD.replySerial) message.replySerial = value as number;
    else if (code === FIELD.errorName) message.errorName = value as string;
    else if (code === FIELD.signature) signature = value as string;
  }
  reader.align(8);
  // A signal (systemd sends them to every private connection) may carry containers: it is passed on undecoded.
  const reply = message.type === METHOD_RETURN || message.type === ERROR;
  if (reply || !/[a({]/.test(signature)) message.body = singleTypes(signature).map((type) => reader.value(type));
  return message;
}

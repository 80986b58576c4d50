/**
 * The little of the D-Bus wire format (dbus specification, "Message Protocol") the agent
 * needs to ask systemd for properties: a METHOD_CALL with string arguments, and the
 * replies, little-endian only, whose bodies hold basic types and variants. Pure
 * functions on bytes; systemd-bus.ts does the talking.
 */

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

/** A value with its D-Bus type: a string, an object path, a u32, a u64, or a variant of one. */
export type Typed = ['s', string] | ['o', string] | ['u', number] | ['t', bigint] | ['v', Typed];

const signatureOf = (value: Typed): string => value[0];

function writeTyped(writer: Writer, typed: Typed): void {
  if (typed[0] === 's' || typed[0] === 'o') writer.string(typed[1]);
  else if (typed[0] === 'u') writer.uint32(typed[1]);
  else if (typed[0] === 't') {
    writer.align(8);
    writer.pos = writer.buffer.writeBigUInt64LE(typed[1], writer.pos);
  } else {
    writer.signature(typed[1][0]);
    writeTyped(writer, typed[1]);
  }
}

const typedSize = (typed: Typed): number =>
  typed[0] === 's' || typed[0] === 'o' ? Buffer.byteLength(typed[1]) + 16 : typed[0] === 'v' ? 8 + typedSize(typed[1]) : 16;

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

const FIXED: Record<string, [number, (buffer: Buffer, at: number) => unknown]> = {
  b: [4, (b, at) => b.readUInt32LE(at)],
  u: [4, (b, at) => b.readUInt32LE(at)],
  i: [4, (b, at) => b.readInt32LE(at)],
  n: [2, (b, at) => b.readInt16LE(at)],
  q: [2, (b, at) => b.readUInt16LE(at)],
  t: [8, (b, at) => b.readBigUInt64LE(at)],
  x: [8, (b, at) => b.readBigInt64LE(at)],
  d: [8, (b, at) => b.readDoubleLE(at)],
};

class Reader {
  constructor(
    private readonly buffer: Buffer,
    public pos: number,
  ) {}
  align(n: number): void {
    this.pos = Math.ceil(this.pos / n) * n;
  }
  need(bytes: number): void {
    if (this.pos + bytes > this.buffer.length) throw new Error('D-Bus: message ends early');
  }
  byte(): number {
    this.need(1);
    return this.buffer[this.pos++]!;
  }
  signature(): string {
    const length = this.byte();
    this.need(length + 1);
    const value = this.buffer.toString('ascii', this.pos, this.pos + length);
    this.pos += length + 1;
    return value;
  }
  /** Fixed-size numbers: a u64/i64 as a bigint, a boolean as true/false. */
  fixed(type: string): unknown {
    const [size, read] = FIXED[type]!;
    this.align(size);
    this.need(size);
    const value = read(this.buffer, this.pos);
    this.pos += size;
    return type === 'b' ? value !== 0 : value;
  }
  value(type: string): unknown {
    switch (type) {
      case 'y':
        return this.byte();
      case 'b':
      case 'u':
      case 'i':
      case 'n':
      case 'q':
      case 't':
      case 'x':
      case 'd':
        return this.fixed(type);
      case 's':
      case 'o': {
        this.align(4);
        this.need(4);
        const length = this.buffer.readUInt32LE(this.pos);
        this.pos += 4;
        this.need(length + 1);
        const value = this.buffer.toString('utf8', this.pos, this.pos + length);
        this.pos += length + 1;
        return value;
      }
      case 'g':
        return this.signature();
      case 'v':
        return this.value(this.signature());
      default:
        // Containers are never asked for; a reply holding one is not understood.
        throw new Error(`D-Bus: type "${type}" is not read here`);
    }
  }
}

/** Splits a signature of basic types and variants into its single types. */
function singleTypes(signature: string): string[] {
  if (/[a({]/.test(signature)) throw new Error(`D-Bus: signature "${signature}" is not read here`);
  return [...signature];
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

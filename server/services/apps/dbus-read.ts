/**
 * Reading D-Bus values (little-endian) out of a message: basic types, variants, and the
 * containers systemd's properties use (arrays, structs, dict entries: an `as` Environment,
 * an `a(sb)` EnvironmentFiles). An array comes back as a JS array, a struct as an array of its fields.
 */

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

/** Arrays are nested at most 32 deep (the specification's limit); deeper is not a message systemd sends. */
const MAX_DEPTH = 32;

/** How a value of this single type is aligned. */
function alignmentOf(type: string): number {
  const first = type[0]!;
  if (first === '(' || first === '{') return 8;
  if (first === 'a' || first === 's' || first === 'o') return 4;
  if (first === 'g' || first === 'v' || first === 'y') return 1;
  return FIXED[first]?.[0] ?? 1;
}

/** Splits a signature into its single complete types ("sa(sb)u" -> s, a(sb), u). */
export function singleTypes(signature: string): string[] {
  const types: string[] = [];
  for (let at = 0; at < signature.length; ) {
    const end = endOfType(signature, at, 0);
    types.push(signature.slice(at, end));
    at = end;
  }
  return types;
}

function endOfType(signature: string, at: number, depth: number): number {
  if (depth > MAX_DEPTH) throw new Error(`D-Bus: signature "${signature}" nests too deep`);
  const char = signature[at];
  if (char === undefined) throw new Error(`D-Bus: signature "${signature}" ends early`);
  if (char === 'a') return endOfType(signature, at + 1, depth + 1);
  if (char !== '(' && char !== '{') {
    if (!(char in FIXED) && !'sogvy'.includes(char)) throw new Error(`D-Bus: type "${char}" is not read here`);
    return at + 1;
  }
  const close = char === '(' ? ')' : '}';
  let next = at + 1;
  while (signature[next] !== close) next = endOfType(signature, next, depth + 1);
  return next + 1;
}

export class Reader {
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
    switch (type[0]) {
      case 'y':
        return this.byte();
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
        return this.value(singleTypes(this.signature())[0] ?? '');
      case 'a':
        return this.array(type.slice(1));
      case '(':
      case '{':
        this.align(8);
        return singleTypes(type.slice(1, -1)).map((field) => this.value(field));
      default:
        if (type[0]! in FIXED) return this.fixed(type[0]!);
        throw new Error(`D-Bus: type "${type}" is not read here`);
    }
  }
  private array(element: string): unknown[] {
    this.align(4);
    this.need(4);
    const length = this.buffer.readUInt32LE(this.pos);
    this.pos += 4;
    this.align(alignmentOf(element));
    const end = this.pos + length;
    if (end > this.buffer.length) throw new Error('D-Bus: message ends early');
    const values: unknown[] = [];
    while (this.pos < end) values.push(this.value(element));
    return values;
  }
}

/**
 * The newest `capacity` items of an endless stream (log lines), in order, with
 * absolute positions: item n is the n-th ever pushed, so a paused view can keep
 * pointing at the same line while new ones arrive and old ones fall out.
 * Mutable on purpose: at 20,000 lines a second, copying an array per batch is not an option.
 */
export class RingBuffer<T> {
  private readonly items: Array<T | undefined>;
  private oldest = 0;
  private count = 0;
  private pushed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, not ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  /** Items held now (at most `capacity`). */
  get size(): number {
    return this.count;
  }

  /** Items ever pushed: the absolute position the next one gets. */
  get total(): number {
    return this.pushed;
  }

  /** Absolute position of the oldest item still held; the ones before it were overwritten. */
  get first(): number {
    return this.pushed - this.count;
  }

  push(item: T): void {
    const capacity = this.capacity;
    this.items[(this.oldest + this.count) % capacity] = item;
    if (this.count < capacity) this.count += 1;
    else this.oldest = (this.oldest + 1) % capacity;
    this.pushed += 1;
  }

  pushAll(items: readonly T[]): void {
    for (const item of items) this.push(item);
  }

  /** The item at absolute `position`, or undefined when overwritten or not pushed yet. */
  at(position: number): T | undefined {
    if (position < this.first || position >= this.pushed) return undefined;
    return this.items[(this.oldest + (position - this.first)) % this.capacity];
  }

  /** Items from absolute `from` (inclusive) to `to` (exclusive), clamped to what is held. */
  slice(from: number, to: number): T[] {
    const out: T[] = [];
    for (let position = Math.max(from, this.first); position < Math.min(to, this.pushed); position += 1) out.push(this.at(position)!);
    return out;
  }

  /** Empties the buffer; positions keep counting so old positions never point at new items. */
  clear(): void {
    this.items.fill(undefined);
    this.oldest = 0;
    this.count = 0;
  }
}

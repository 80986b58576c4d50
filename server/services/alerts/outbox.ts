/**
 * Deliveries, per channel in the order they were queued: the oldest is tried first and
 * a failing one holds back those after it (so order holds), retried with exponential
 * backoff (retry.baseMs doubling to retry.maxMs), kept on disk until sent (an agent
 * restart picks them up), never dropped. A queued delivery is tried at once.
 * A delivery may arrive twice only when the agent stops between its sending and the
 * removal of its file; X-Hms-Delivery names it for a receiver that must not count it twice.
 */
import { randomUUID } from 'node:crypto';
import type { AlertPayload, ChannelStatus, Delivery, DeliveryEvent } from '../../../src/api/alerts.js';
import type { Channel } from './channels.js';
import { type ChannelRecord, OutboxFiles, type Queued, SerialWriter } from './outbox-files.js';

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 5_000, maxMs: 5 * 60_000 };
const HISTORY = 200;

export const backoffMs = (attempts: number, retry: RetryPolicy): number =>
  Math.min(retry.maxMs, retry.baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));

export interface OutboxOptions {
  retry?: RetryPolicy;
  clock?: () => Date;
  keepMs?: number;
  /** Told when an attempt fails (the agent's log); never with a secret: channels' errors carry none. */
  log?: (line: string) => void;
}

export class Outbox {
  private readonly files: OutboxFiles;
  private readonly retry: RetryPolicy;
  private readonly clock: () => Date;
  private readonly startedAt: string;
  private readonly writer = { sent: new SerialWriter(), channels: new SerialWriter() };
  private queues = new Map<string, Queued[]>();
  private sent: Delivery[] = [];
  private records: Record<string, ChannelRecord> = {};
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    alertsDir: string,
    private readonly channels: readonly Channel[],
    private readonly options: OutboxOptions = {},
  ) {
    this.files = new OutboxFiles(alertsDir);
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.clock = options.clock ?? (() => new Date());
    this.startedAt = this.clock().toISOString();
  }

  /** Reads what an earlier run left, and tries every channel's queue. */
  async start(): Promise<void> {
    this.queues = await this.files.loadQueues();
    this.sent = await this.files.loadSent();
    this.records = await this.files.loadChannels();
    for (const [name, items] of this.queues) {
      if (items.length > 0 && !this.channel(name)) {
        this.options.log?.(
          `alerts: ${items.length} deliveries for channel ${name}, no longer configured, stay in ${this.files.root}/${name}`,
        );
      }
    }
    for (const channel of this.channels) this.kick(channel.name);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  async enqueue(channel: string, event: DeliveryEvent, make: (id: string) => AlertPayload): Promise<Delivery> {
    const now = this.clock();
    const id = randomUUID();
    const payload = make(id);
    const delivery: Delivery = {
      id,
      channel,
      event,
      incident: payload.incident?.id ?? null,
      title: payload.text,
      createdAt: now.toISOString(),
      attempts: 0,
      state: 'queued',
      sentAt: null,
      lastError: null,
    };
    const item = { delivery, payload, nextAttemptAt: now.getTime() };
    // A full disk is when an alert matters most: a delivery that cannot be kept on disk is still sent, from memory.
    const queued = await this.files.add(channel, item, now.getTime()).catch((error: Error) => {
      this.options.log?.(`alerts: cannot keep delivery ${id} on disk (${error.message}); it waits in memory until sent`);
      return { ...item, file: '' };
    });
    this.queue(channel).push(queued);
    this.kick(channel);
    return delivery;
  }

  /** Tries the channel's queue now (its backoff waived once), and resolves when it has done what it can. */
  async flush(channel: string): Promise<void> {
    const head = this.queue(channel)[0];
    if (head) head.nextAttemptAt = Math.min(head.nextAttemptAt, this.clock().getTime());
    this.kick(channel);
    while (this.running.has(channel)) await this.running.get(channel);
  }

  find(id: string): Delivery | undefined {
    for (const items of this.queues.values()) for (const item of items) if (item.delivery.id === id) return item.delivery;
    return this.sent.find((delivery) => delivery.id === id);
  }

  /** Queued (oldest first) before a given delivery of the channel. */
  ahead(channel: string, id: string): number {
    const index = this.queue(channel).findIndex((item) => item.delivery.id === id);
    return Math.max(0, index);
  }

  status(): ChannelStatus[] {
    return this.channels.map((channel) => {
      const queue = this.queue(channel.name);
      const record = this.records[channel.name];
      return {
        name: channel.name,
        type: channel.type,
        target: channel.target,
        queued: queue.length,
        lastDeliveredAt: record?.lastDeliveredAt ?? null,
        // A channel that cannot work says so before its first delivery fails.
        lastError: record?.lastError ?? (channel.problem ? { at: this.startedAt, message: channel.problem } : null),
        nextAttemptAt: queue[0] ? new Date(queue[0].nextAttemptAt).toISOString() : null,
      };
    });
  }

  /** The newest deliveries first: those queued, and those sent. */
  deliveries(limit = 50): Delivery[] {
    const queued = [...this.queues.values()].flat().map((item) => item.delivery);
    return [...queued, ...this.sent].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt)).slice(0, limit);
  }

  private channel(name: string): Channel | undefined {
    return this.channels.find((channel) => channel.name === name);
  }

  private queue(name: string): Queued[] {
    let queue = this.queues.get(name);
    if (!queue) this.queues.set(name, (queue = []));
    return queue;
  }

  private kick(name: string): void {
    if (this.stopped || !this.channel(name)) return;
    if (this.running.has(name)) {
      this.again.add(name);
      return;
    }
    clearTimeout(this.timers.get(name));
    this.timers.delete(name);
    this.again.delete(name);
    const run = this.pump(name)
      .catch((error: Error) => this.options.log?.(`alerts: channel ${name}: ${error.message}`))
      .finally(() => {
        this.running.delete(name);
        if (this.again.has(name)) this.kick(name);
      });
    this.running.set(name, run);
  }

  private async pump(name: string): Promise<void> {
    const channel = this.channel(name)!;
    const queue = this.queue(name);
    while (!this.stopped && queue[0]) {
      const head = queue[0];
      const wait = head.nextAttemptAt - this.clock().getTime();
      if (wait > 0) {
        this.timers.set(
          name,
          setTimeout(() => this.kick(name), wait),
        );
        return;
      }
      if (!(await this.attempt(channel, head))) return this.pump(name);
    }
  }

  /** One try of the head; false when it failed (its next try is set, and the pump waits for it). */
  private async attempt(channel: Channel, head: Queued): Promise<boolean> {
    head.delivery.attempts += 1;
    const now = this.clock();
    try {
      await channel.send(head.payload, now);
    } catch (error) {
      const message = (error as Error).message;
      head.delivery.lastError = message;
      head.nextAttemptAt = this.clock().getTime() + backoffMs(head.delivery.attempts, this.retry);
      this.records[channel.name] = { ...this.recordOf(channel.name), lastError: { at: this.clock().toISOString(), message } };
      await this.kept(Promise.all([this.files.save(head), this.saveRecords()]));
      this.options.log?.(`alerts: delivery ${head.delivery.id} to ${channel.name} failed (attempt ${head.delivery.attempts}): ${message}`);
      this.again.delete(channel.name);
      return false;
    }
    const at = this.clock().toISOString();
    this.queue(channel.name).shift();
    await this.kept(this.files.remove(head));
    Object.assign(head.delivery, { state: 'sent', sentAt: at, lastError: null });
    const keepSince = this.clock().getTime() - (this.options.keepMs ?? 7 * 86_400_000);
    this.sent = [head.delivery, ...this.sent].filter((d) => Date.parse(d.sentAt ?? d.createdAt) >= keepSince).slice(0, HISTORY);
    this.records[channel.name] = { lastDeliveredAt: at, lastError: null };
    await this.kept(Promise.all([this.writer.sent.write(this.files.sentFile, () => this.sent), this.saveRecords()]));
    return true;
  }

  /** A file that cannot be written (a full disk) is logged; the deliveries go on from memory. */
  private async kept(write: Promise<unknown>): Promise<void> {
    await write.catch((error: Error) => this.options.log?.(`alerts: cannot write the outbox's state: ${error.message}`));
  }

  private recordOf(name: string): ChannelRecord {
    return this.records[name] ?? { lastDeliveredAt: null, lastError: null };
  }

  private saveRecords(): Promise<void> {
    return this.writer.channels.write(this.files.channelsFile, () => this.records);
  }
}

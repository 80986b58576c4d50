/**
 * The outbox on disk, <alerts>/outbox/<channel>/<created ms>-<seq>-<id>.json: one file
 * per delivery per channel, named so that sorting the names gives the order they were
 * queued in; written temp + rename, removed once sent. Beside it: sent.json (the
 * bounded history of sent deliveries) and channels.json (each channel's last delivery
 * and last error), so a restarted agent shows what the last one did.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { AlertPayload, ChannelStatus, Delivery } from '../../../src/api/alerts.js';
import { ensureDir, readJson, writeJson } from './state-files.js';

export interface Queued {
  file: string;
  delivery: Delivery;
  payload: AlertPayload;
  /** ms since the epoch. */
  nextAttemptAt: number;
}

export type ChannelRecord = Pick<ChannelStatus, 'lastDeliveredAt' | 'lastError'>;

let sequence = 0;

export class OutboxFiles {
  readonly root: string;

  constructor(alertsDir: string) {
    this.root = path.join(alertsDir, 'outbox');
  }

  get sentFile(): string {
    return path.join(path.dirname(this.root), 'sent.json');
  }

  get channelsFile(): string {
    return path.join(path.dirname(this.root), 'channels.json');
  }

  /** Every queued delivery by channel folder, oldest first (also of channels no longer configured: kept, never dropped). */
  async loadQueues(): Promise<Map<string, Queued[]>> {
    await ensureDir(this.root);
    const queues = new Map<string, Queued[]>();
    for (const channel of (await readdir(this.root, { withFileTypes: true })).filter((entry) => entry.isDirectory())) {
      const dir = path.join(this.root, channel.name);
      const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
      const items: Queued[] = [];
      for (const name of names) {
        const stored = await readJson<Omit<Queued, 'file'> | null>(path.join(dir, name), null);
        if (stored?.delivery && stored.payload) items.push({ ...stored, file: path.join(dir, name) });
      }
      queues.set(channel.name, items);
    }
    return queues;
  }

  async add(channel: string, item: Omit<Queued, 'file'>, createdMs: number): Promise<Queued> {
    const dir = path.join(this.root, channel);
    await ensureDir(dir);
    sequence = (sequence + 1) % 1_000_000;
    const name = `${String(createdMs).padStart(15, '0')}-${String(sequence).padStart(6, '0')}-${item.delivery.id}.json`;
    const queued = { ...item, file: path.join(dir, name) };
    await this.save(queued);
    return queued;
  }

  /** A delivery kept in memory only (its file could not be written) has no file: '' . */
  async save(queued: Queued): Promise<void> {
    const { file, ...stored } = queued;
    if (file) await writeJson(file, stored);
  }

  async remove(queued: Queued): Promise<void> {
    if (queued.file) await rm(queued.file, { force: true });
  }

  loadSent(): Promise<Delivery[]> {
    return readJson<Delivery[]>(this.sentFile, []);
  }

  loadChannels(): Promise<Record<string, ChannelRecord>> {
    return readJson<Record<string, ChannelRecord>>(this.channelsFile, {});
  }
}

/** One writer per file: writes happen in the order asked, each whole (the last one wins, as it should). */
export class SerialWriter {
  private chain: Promise<void> = Promise.resolve();

  write(file: string, value: () => unknown): Promise<void> {
    this.chain = this.chain.then(
      () => writeJson(file, value()),
      () => writeJson(file, value()),
    );
    return this.chain;
  }
}

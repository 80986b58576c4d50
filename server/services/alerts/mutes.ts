/**
 * Mutes by rule or app, kept in <stateDir>/alerts/mutes.json until they expire. The
 * target comes from a request: it must be one of ALERT_RULES or a configured app's
 * name (anything else is refused, naming what is allowed), and is only ever compared.
 */
import path from 'node:path';
import { ALERT_RULES, type Mute } from '../../../src/api/alerts.js';
import { ApiError } from '../../errors.js';
import { SerialWriter } from './outbox-files.js';
import { readJson } from './state-files.js';

export class Mutes {
  private list: Mute[] = [];
  private readonly writer = new SerialWriter();
  private readonly file: string;

  constructor(
    dir: string,
    private readonly apps: readonly string[],
    private readonly clock: () => Date,
  ) {
    this.file = path.join(dir, 'mutes.json');
  }

  async load(): Promise<void> {
    this.list = await readJson<Mute[]>(this.file, []);
  }

  /** The mutes still in force. */
  active(): Mute[] {
    const now = this.clock().getTime();
    return this.list.filter((mute) => Date.parse(mute.until) > now);
  }

  allowedTarget(target: string): string {
    const allowed = [...ALERT_RULES, ...this.apps];
    if (allowed.includes(target)) return target;
    throw new ApiError(400, `Cannot mute "${target.slice(0, 64)}": it is neither a rule nor an app of this server.`, {
      hint: `Mute one of: ${allowed.join(', ')}.`,
      details: { allowed },
    });
  }

  async add(target: string, minutes: number, by: string): Promise<Mute> {
    const until = new Date(this.clock().getTime() + minutes * 60_000).toISOString();
    const mute: Mute = { target: this.allowedTarget(target), until, by };
    this.list = [...this.active().filter((m) => m.target !== mute.target), mute];
    await this.writer.write(this.file, () => this.list);
    return mute;
  }

  async remove(target: string): Promise<boolean> {
    this.allowedTarget(target);
    const before = this.active();
    this.list = before.filter((m) => m.target !== target);
    await this.writer.write(this.file, () => this.list);
    return this.list.length !== before.length;
  }
}

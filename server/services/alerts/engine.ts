/**
 * The AlertsService the routes and pages use (server/env.ts): the watcher, the
 * outbox with its channels, and the mutes, built from the agent's deps.
 */
import type { AlertTestResponse, AlertsResponse, Delivery, Mute } from '../../../src/api/alerts.js';
import { HmsError } from '../../../src/core/errors.js';
import type { AgentDeps, AlertsService } from '../../env.js';
import { ApiError, unknownName } from '../../errors.js';
import { type Channel, channelsFrom } from './channels.js';
import { type FactSources, realFacts } from './facts.js';
import { listed, type Tell } from './incidents.js';
import { Mutes } from './mutes.js';
import { Outbox, type RetryPolicy } from './outbox.js';
import { alertsDir, ensureDir } from './state-files.js';
import { Watcher } from './watcher.js';
import { payloadFor } from './wording.js';

export interface AlertsOptions {
  /** Fact readers to use instead of the real ones (tests feed their own). */
  facts?: Partial<FactSources>;
  retry?: RetryPolicy;
  confirmStopMs?: number;
  /** false: build everything but run no looks (a test ticks them itself). */
  loop?: boolean;
  log?: (line: string) => void;
}

export class AlertsEngine implements AlertsService {
  constructor(
    private readonly deps: AgentDeps,
    readonly watcher: Watcher,
    readonly outbox: Outbox,
    private readonly mutes: Mutes,
    private readonly channels: readonly Channel[],
  ) {}

  stop(): void {
    this.watcher.stop();
    this.outbox.stop();
  }

  async overview(): Promise<AlertsResponse> {
    const { config } = this.deps;
    return {
      enabled: config.alerts.enabled,
      server: config.alerts.server,
      incidents: listed(this.watcher.records),
      channels: this.outbox.status(),
      deliveries: this.outbox.deliveries(50),
      mutes: this.mutes.active(),
      checkedAt: this.watcher.checkedAt,
    };
  }

  async test(actor: string, channel?: string): Promise<AlertTestResponse> {
    const names = this.channels.map((c) => c.name);
    if (channel !== undefined && !names.includes(channel)) throw unknownName('channel', channel, names);
    if (names.length === 0) {
      throw new ApiError(409, 'No alert channels are configured on this server.', {
        hint: 'Add one to hms.config.json `alerts.channels` (webhook, slack or email), then run `hms provision`.',
      });
    }
    const chosen = channel === undefined ? names : [channel];
    const deliveries = await Promise.all(chosen.map((name) => this.testOne(name)));
    const failed = deliveries.filter((d) => d.state !== 'sent');
    await this.deps.audit.record({
      actor,
      action: 'alerts.test',
      target: channel ?? 'all',
      result: failed.length === 0 ? 'ok' : 'failed',
      detail: failed.length === 0 ? `sent to ${chosen.join(', ')}` : failed.map((d) => `${d.channel}: ${d.lastError}`).join('; '),
    });
    return { deliveries };
  }

  private async testOne(channel: string): Promise<Delivery> {
    const { server } = this.deps.config.alerts;
    const queued = await this.outbox.enqueue(channel, 'test', (id) =>
      payloadFor({ event: 'test', server, delivery: id, at: this.deps.clock(), incident: null }),
    );
    await this.outbox.flush(channel);
    const now = { ...(this.outbox.find(queued.id) ?? queued) };
    if (now.attempts === 0) {
      const error = this.outbox.status().find((c) => c.name === channel)?.lastError?.message ?? 'not tried yet';
      now.lastError = `waiting behind ${this.outbox.ahead(channel, queued.id)} older deliveries, whose last attempt failed: ${error}`;
    }
    return now;
  }

  async mute(actor: string, target: string, minutes: number): Promise<Mute> {
    const mute = await this.mutes.add(target, minutes, actor);
    await this.deps.audit.record({
      actor,
      action: 'alerts.mute',
      target: mute.target,
      result: 'ok',
      detail: `for ${minutes} min, until ${mute.until}`,
    });
    await this.watcher.retell();
    return mute;
  }

  async unmute(actor: string, target: string): Promise<boolean> {
    const removed = await this.mutes.remove(target);
    await this.deps.audit.record({
      actor,
      action: 'alerts.unmute',
      target,
      result: 'ok',
      detail: removed ? 'mute lifted' : 'was not muted',
    });
    await this.watcher.retell();
    return removed;
  }

  /** Each message due goes to every channel. */
  async deliver(tells: Tell[]): Promise<void> {
    const { server } = this.deps.config.alerts;
    for (const { event, incident, note } of tells) {
      const [shown] = listed([incident]);
      for (const channel of this.channels) {
        await this.outbox.enqueue(channel.name, event, (id) =>
          payloadFor({ event, server, delivery: id, at: this.deps.clock(), incident: shown!, note }),
        );
      }
    }
  }
}

export async function startAlerts(deps: AgentDeps, options: AlertsOptions = {}): Promise<AlertsEngine> {
  const { config } = deps;
  const log = options.log ?? ((line: string) => console.error(line));
  const channels = channelsFrom(config.alerts, deps.secrets.alertChannels, log);
  const dir = alertsDir(config.stateDir);
  await ensureDir(dir).catch((error: Error) => {
    throw new HmsError(`Cannot create ${dir} for the alerts' state: ${error.message}`, { hint: 'Check stateDir in the agent config.' });
  });
  const keepMs = config.alerts.keepDays * 86_400_000;
  const outbox = new Outbox(dir, channels, { retry: options.retry, clock: deps.clock, keepMs, log });
  const mutes = new Mutes(dir, Object.keys(config.apps), deps.clock);
  let engine: AlertsEngine | undefined;
  const watcher = new Watcher({
    config: config.alerts,
    dir,
    facts: { ...realFacts(deps), ...options.facts },
    clock: deps.clock,
    mutes: () => mutes.active(),
    deliver: (tells) => engine!.deliver(tells),
    log,
    confirmStopMs: options.confirmStopMs,
  });
  engine = new AlertsEngine(deps, watcher, outbox, mutes, channels);
  await Promise.all([watcher.load(), mutes.load()]);
  await outbox.start();
  if (config.alerts.enabled && options.loop !== false) watcher.start();
  return engine;
}

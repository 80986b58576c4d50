/**
 * A small in-memory AlertsService (server/env.ts) for the views' tests: the Incidents
 * page and the TUI's incidents screen. It is NOT the watcher: it keeps the incidents,
 * channels and mutes it is given, records who asked what, and answers as the interface
 * says (an unknown target refused with ApiError 400). The real service is tested in its
 * own suite (tests/server/services/alerts/) and end to end.
 */
import { ALERT_RULES, type AlertsResponse, type AlertTestResponse, type Delivery, type Mute } from '../../src/api/alerts.js';
import type { AlertsService } from '../../server/env.js';
import { ApiError } from '../../server/errors.js';
import { alertsResponse } from './alerts.js';

export type AlertsCall =
  | { op: 'test'; actor: string; channel?: string | undefined }
  | { op: 'mute'; actor: string; target: string; minutes: number }
  | { op: 'unmute'; actor: string; target: string };

export class MemoryAlerts implements AlertsService {
  readonly calls: AlertsCall[] = [];
  state: AlertsResponse;
  /** Channels whose test delivery fails, with the error it gets. */
  readonly failing = new Map<string, string>();

  constructor(
    state: Partial<AlertsResponse> = {},
    /** The apps a mute may name besides the rules. */
    private readonly apps: string[] = ['cigar', 'tobacco'],
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.state = alertsResponse(state);
  }

  async overview(): Promise<AlertsResponse> {
    const muted = (target: string | null) => target !== null && this.state.mutes.some((m) => m.target === target);
    const incidents = this.state.incidents.map((i) => ({ ...i, muted: i.muted || muted(i.app) || muted(i.rule) }));
    return structuredClone({ ...this.state, incidents });
  }

  async test(actor: string, channel?: string): Promise<AlertTestResponse> {
    this.calls.push({ op: 'test', actor, channel });
    const channels = this.state.channels.filter((ch) => channel === undefined || ch.name === channel);
    if (channel !== undefined && channels.length === 0) throw new ApiError(404, `Unknown channel "${channel}".`);
    const at = this.clock().toISOString();
    const deliveries = channels.map((ch, n): Delivery => {
      const error = this.failing.get(ch.name) ?? null;
      return {
        id: `test-${this.calls.length}-${n}`,
        channel: ch.name,
        event: 'test',
        incident: null,
        title: 'hms test alert',
        createdAt: at,
        attempts: 1,
        state: error ? 'queued' : 'sent',
        sentAt: error ? null : at,
        lastError: error,
      };
    });
    this.state.deliveries = [...deliveries, ...this.state.deliveries];
    return { deliveries };
  }

  async mute(actor: string, target: string, minutes: number): Promise<Mute> {
    if (!(ALERT_RULES as readonly string[]).includes(target) && !this.apps.includes(target))
      throw new ApiError(400, `Unknown rule or app "${target}".`, {
        hint: `Rules: ${ALERT_RULES.join(', ')}; apps: ${this.apps.join(', ')}.`,
      });
    this.calls.push({ op: 'mute', actor, target, minutes });
    const mute = { target, until: new Date(this.clock().getTime() + minutes * 60_000).toISOString(), by: actor };
    this.state.mutes = [...this.state.mutes.filter((m) => m.target !== target), mute];
    return mute;
  }

  async unmute(actor: string, target: string): Promise<boolean> {
    this.calls.push({ op: 'unmute', actor, target });
    const before = this.state.mutes.length;
    this.state.mutes = this.state.mutes.filter((m) => m.target !== target);
    return this.state.mutes.length < before;
  }
}

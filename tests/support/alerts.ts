/**
 * Incidents, channels and a whole /api/alerts answer as the agent sends them, for the
 * views' tests (the TUI's badge and screen, the Incidents page, the wording helper).
 */
import type { AlertsResponse, ChannelStatus, Delivery, Incident } from '../../src/api/alerts.js';

export const ALERTS_NOW = Date.parse('2026-12-07T10:00:00Z');
const minutesAgo = (minutes: number) => new Date(ALERTS_NOW - minutes * 60_000).toISOString();

export function incident(overrides: Partial<Incident> & { minutesOpen?: number; resolvedMinutesAgo?: number } = {}): Incident {
  const { minutesOpen = 12, resolvedMinutesAgo, ...rest } = overrides;
  const rule = rest.rule ?? 'unit';
  const subject = rest.subject ?? 'cigar.service';
  const openedAt = minutesAgo(minutesOpen);
  return {
    id: `${rule}:${subject}:${Date.parse(openedAt)}`,
    rule,
    subject,
    app: 'cigar',
    severity: 'critical',
    title: `${subject} failed`,
    detail: 'systemctl status cigar.service; hms logs cigar',
    openedAt,
    updatedAt: openedAt,
    resolvedAt: resolvedMinutesAgo === undefined ? null : minutesAgo(resolvedMinutesAgo),
    muted: false,
    ...rest,
  };
}

export function channel(overrides: Partial<ChannelStatus> = {}): ChannelStatus {
  return {
    name: 'ops-hook',
    type: 'webhook',
    target: 'https://hooks.example.net',
    queued: 0,
    lastDeliveredAt: minutesAgo(5),
    lastError: null,
    nextAttemptAt: null,
    ...overrides,
  };
}

export function delivery(overrides: Partial<Delivery> = {}): Delivery {
  return {
    id: 'd-1',
    channel: 'ops-hook',
    event: 'opened',
    incident: 'unit:cigar.service:1',
    title: 'cigar.service failed',
    createdAt: minutesAgo(12),
    attempts: 1,
    state: 'sent',
    sentAt: minutesAgo(12),
    lastError: null,
    ...overrides,
  };
}

export function alertsResponse(overrides: Partial<AlertsResponse> = {}): AlertsResponse {
  return {
    enabled: true,
    server: 'web-1',
    incidents: [],
    channels: [],
    deliveries: [],
    mutes: [],
    checkedAt: minutesAgo(0),
    ...overrides,
  };
}

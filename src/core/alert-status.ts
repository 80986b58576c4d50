/**
 * Alerts at a glance for `hms alerts` and `hms doctor`: each table's columns, a mute's
 * time left, a test's result, and what needs attention (incident-format.ts has the
 * words every view shares: a mute's length, an incident's age).
 */
import type { ChannelStatus, Delivery, Incident, Mute } from '../api/alerts.js';
import { formatAgo, formatSince } from './format.js';
import { formatIn } from './schedule-status.js';

/** "1h20m left"; "ended" once past. */
export function formatLeft(iso: string, now: Date): string {
  return Date.parse(iso) <= now.getTime() ? 'ended' : `${formatSince(now.toISOString(), new Date(Date.parse(iso)))} left`;
}

export const INCIDENT_HEADERS = ['SEVERITY', 'RULE', 'SUBJECT', 'TITLE', 'OPENED', 'RESOLVED', 'MUTED'];
export const incidentRow = (i: Incident, now: Date): string[] => [
  i.severity,
  i.rule,
  i.subject,
  i.title,
  formatAgo(i.openedAt, now),
  i.resolvedAt ? formatAgo(i.resolvedAt, now) : 'open',
  i.muted ? 'muted' : '–',
];

export const CHANNEL_HEADERS = ['CHANNEL', 'TYPE', 'TARGET', 'QUEUED', 'LAST DELIVERY', 'LAST ERROR'];
export const channelRow = (c: ChannelStatus, now: Date): string[] => [
  c.name,
  c.type,
  c.target,
  String(c.queued),
  formatAgo(c.lastDeliveredAt, now),
  channelError(c, now),
];

/** "connect ECONNREFUSED (2m ago; retried in 30s)"; empty when the last attempt went through. */
export function channelError(c: ChannelStatus, now: Date): string {
  if (!c.lastError) return '';
  const retry = c.queued > 0 && c.nextAttemptAt ? `; retried ${formatIn(c.nextAttemptAt, now)}` : '';
  return `${c.lastError.message} (${formatAgo(c.lastError.at, now)}${retry})`;
}

export const DELIVERY_HEADERS = ['CREATED', 'CHANNEL', 'EVENT', 'TITLE', 'STATE'];
export const deliveryRow = (d: Delivery, now: Date): string[] => [
  formatAgo(d.createdAt, now),
  d.channel,
  d.event,
  d.title,
  deliveryState(d, now),
];

/** "sent 3m ago", "queued (2 attempts: timeout)", "queued". */
export function deliveryState(d: Delivery, now: Date): string {
  if (d.state === 'sent') return `sent ${formatAgo(d.sentAt, now)}`;
  if (d.attempts === 0) return 'queued';
  return `queued (${d.attempts} attempt${d.attempts === 1 ? '' : 's'}${d.lastError ? `: ${d.lastError}` : ''})`;
}

export const MUTE_HEADERS = ['MUTED', 'UNTIL', 'LEFT', 'BY'];
export const muteRow = (m: Mute, now: Date): string[] => [m.target, m.until.replace(/\.\d+Z$/, 'Z'), formatLeft(m.until, now), m.by];

/** A test delivery after its first attempt, for people: sent, or the error and that it stays queued. */
export function testResult(d: Delivery): { ok: boolean; text: string } {
  if (d.state === 'sent') return { ok: true, text: `${d.channel}: sent` };
  if (d.lastError) return { ok: false, text: `${d.channel}: ✗ ${d.lastError} (kept, and retried with backoff)` };
  return { ok: false, text: `${d.channel}: queued behind the channel's earlier deliveries (they go in order)` };
}

export interface AlertFinding {
  check: string;
  level: 'ok' | 'warn' | 'fail';
  summary: string;
  next?: string;
}

/** Each open incident (critical a problem, warning a warning) and each channel whose last attempt failed. */
export function alertFindings(incidents: Incident[], channels: ChannelStatus[], now: Date): AlertFinding[] {
  const findings: AlertFinding[] = incidents
    .filter((i) => !i.resolvedAt)
    .map((i) => ({
      check: `incident ${i.rule} ${i.subject}`,
      level: i.severity === 'critical' ? 'fail' : 'warn',
      summary: `${i.severity}: ${i.title}, since ${formatAgo(i.openedAt, now)}${i.muted ? ' (muted)' : ''}`,
      next: i.detail ? `${i.detail} (\`hms alerts\`)` : '`hms alerts`',
    }));
  for (const c of channels.filter((c) => c.lastError)) {
    const summary = `${c.queued} queued; ${channelError(c, now)}`;
    findings.push({
      check: `alert channel ${c.name}`,
      level: 'warn',
      summary,
      next: `check ${c.target}, then \`hms alerts test ${c.name}\``,
    });
  }
  if (findings.length === 0) findings.push({ check: 'alerts', level: 'ok', summary: 'no open incident' });
  return findings;
}

/**
 * Incidents in words, the same in every view (the TUI's badge and incidents screen, the
 * Incidents page): what is open and how bad, "open 12m" or "resolved 3m ago", a mute's
 * length as people write it (`2h`, `30m`, `1d`, `1h30m`) and as they read it.
 */
import { MAX_MUTE_MINUTES, type AlertTestResponse, type Incident, type Severity } from '../api/alerts.js';
import { formatAgo, formatSince } from './format.js';

export const SEVERITY_WORDS: Record<Severity, string> = { critical: 'CRITICAL', warning: 'warning' };

/** Open incidents, counted for a badge: those that reach the channels, and the muted ones apart. */
export interface IncidentCounts {
  /** Open and not muted. */
  open: number;
  /** Of those, how many are critical. */
  critical: number;
  /** Open but held back by a mute. */
  muted: number;
}

export function incidentCounts(incidents: readonly Incident[]): IncidentCounts {
  const open = incidents.filter((incident) => incident.resolvedAt === null);
  const loud = open.filter((incident) => !incident.muted);
  return { open: loud.length, critical: loud.filter((i) => i.severity === 'critical').length, muted: open.length - loud.length };
}

/** How a badge is coloured: red when something critical is open, yellow for warnings only, quiet otherwise. */
export function badgeLevel(counts: IncidentCounts): 'critical' | 'warning' | 'none' {
  if (counts.critical > 0) return 'critical';
  return counts.open > 0 ? 'warning' : 'none';
}

/** "2 incidents", "1 incident", "0 incidents"; "(+1 muted)" is the caller's to add. */
export function incidentsWord(count: number): string {
  return `${count} incident${count === 1 ? '' : 's'}`;
}

/** Open ones first, as the agent sends them, then the resolved. */
export function splitIncidents(incidents: readonly Incident[]): { open: Incident[]; resolved: Incident[] } {
  return { open: incidents.filter((i) => i.resolvedAt === null), resolved: incidents.filter((i) => i.resolvedAt !== null) };
}

/** "open 12m" while open, "resolved 3m ago" once fixed. */
export function incidentSince(incident: Pick<Incident, 'openedAt' | 'resolvedAt'>, now = new Date()): string {
  return incident.resolvedAt === null ? `open ${formatSince(incident.openedAt, now)}` : `resolved ${formatAgo(incident.resolvedAt, now)}`;
}

/** What muting an incident holds back: its app's alerts, or its rule's when it concerns no app. */
export function muteTargetOf(incident: Pick<Incident, 'app' | 'rule'>): string {
  return incident.app ?? incident.rule;
}

const UNIT_MINUTES: Record<string, number> = { m: 1, min: 1, h: 60, d: 24 * 60, w: 7 * 24 * 60 };
const DURATION = /^(?:(\d{1,5})(w|d|h|m|min))+$/;
const PART = /(\d{1,5})(w|d|h|min|m)/g;

export type MuteDuration = { ok: true; minutes: number } | { ok: false; error: string };

/** `2h`, `30m`, `1d`, `1h30m`, or a bare number of minutes; from 1 minute to a week. */
export function parseMuteDuration(text: string): MuteDuration {
  const spec = text.trim().toLowerCase().replace(/\s+/g, '');
  let minutes: number | undefined;
  if (/^\d{1,6}$/.test(spec)) minutes = Number(spec);
  else if (DURATION.test(spec)) minutes = [...spec.matchAll(PART)].reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MINUTES[unit!]!, 0);
  if (minutes === undefined) return { ok: false, error: `"${text.trim()}" is not a duration: write 30m, 2h, 1d or 1h30m.` };
  if (minutes < 1 || minutes > MAX_MUTE_MINUTES)
    return { ok: false, error: `a mute lasts from 1 minute to ${formatMinutes(MAX_MUTE_MINUTES)} (${minutes} minutes asked).` };
  return { ok: true, minutes };
}

/** "45m", "2h", "1h30m", "1d", "7d": a mute's length for people. */
export function formatMinutes(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days ? `${days}d` : '', hours ? `${hours}h` : '', rest ? `${rest}m` : ''].join('');
  return parts || '0m';
}

/** "until 14:32 UTC" (the same day) or "until 2026-12-08 14:32 UTC". */
export function formatUntil(iso: string, now = new Date()): string {
  const text = new Date(iso).toISOString();
  const sameDay = text.slice(0, 10) === now.toISOString().slice(0, 10);
  return `until ${sameDay ? text.slice(11, 16) : `${text.slice(0, 10)} ${text.slice(11, 16)}`} UTC`;
}

/** "Test sent to ops-hook. mail-ops failed: connect refused (retried with backoff)." */
export function testOutcome(result: AlertTestResponse): string {
  if (result.deliveries.length === 0) return 'No channel to test: add alerts.channels to hms.config.json, then hms provision.';
  const sent = result.deliveries.filter((d) => d.state === 'sent').map((d) => d.channel);
  const failed = result.deliveries.filter((d) => d.state !== 'sent');
  return [
    sent.length > 0 ? `Test sent to ${sent.join(', ')}.` : '',
    ...failed.map((d) => `${d.channel} failed: ${d.lastError ?? 'no answer'} (retried with backoff).`),
  ]
    .filter(Boolean)
    .join(' ');
}

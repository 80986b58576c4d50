/**
 * The incident state machine, pure: findings (what the rules see now) open, update and
 * resolve incidents; `tell` then decides what the channels hear, from what they were
 * last told (so nothing is told twice, and a restart that reloads the records goes on
 * where it stopped). The rules of cooldown, reminder and mute are written in index.ts.
 */
import type { AlertRule, DeliveryEvent, Incident, Mute, Severity } from '../../../src/api/alerts.js';

/** What one rule sees about one subject now; absent = fine. */
export interface Finding {
  rule: AlertRule;
  subject: string;
  app: string | null;
  severity: Severity;
  title: string;
  detail: string;
}

/** An incident as kept on disk: the contract's fields and what the channels were last told. */
export interface IncidentRecord extends Incident {
  told: 'none' | 'open' | 'resolved';
  toldSeverity: Severity | null;
  /** The last message sent (or held back by a mute) about it: the reminder counts from here. */
  toldAt: string | null;
  /** It came back within the cooldown after a resolution: its next resolution waits out the cooldown. */
  flapping: boolean;
}

export interface Tell {
  event: Exclude<DeliveryEvent, 'test'>;
  incident: IncidentRecord;
  /** Why an update or reminder is told: "back again", "now critical", "still open". */
  note?: string;
}

export interface Timing {
  cooldownMs: number;
  reminderMs: number;
  keepMs: number;
}

export const incidentKey = (incident: { rule: string; subject: string }): string => `${incident.rule}:${incident.subject}`;

/**
 * Findings of the rules in `scope` (the rules this look judged) against the records:
 * a new key opens an incident (or reopens one resolved within the cooldown), a known
 * one is updated, and an open incident of a judged rule with no finding is resolved.
 */
export function applyFindings(
  records: readonly IncidentRecord[],
  scope: readonly AlertRule[],
  findings: readonly Finding[],
  now: Date,
  cooldownMs: number,
): { records: IncidentRecord[]; changed: boolean } {
  const at = now.toISOString();
  const next = records.map((record) => ({ ...record }));
  let changed = false;
  const seen = new Set<string>();
  for (const finding of findings) {
    const key = incidentKey(finding);
    seen.add(key);
    const open = next.find((record) => record.resolvedAt === null && incidentKey(record) === key);
    const recent = open ?? newestResolved(next, key, now.getTime() - cooldownMs);
    if (!recent) {
      next.push(openIncident(finding, now));
      changed = true;
      continue;
    }
    if (recent.resolvedAt !== null) {
      recent.resolvedAt = null;
      recent.flapping = true;
      recent.updatedAt = at;
      changed = true;
    }
    if (recent.severity !== finding.severity || recent.detail !== finding.detail || recent.title !== finding.title) {
      Object.assign(recent, { severity: finding.severity, title: finding.title, detail: finding.detail, app: finding.app, updatedAt: at });
      changed = true;
    }
  }
  for (const record of next) {
    if (record.resolvedAt === null && scope.includes(record.rule) && !seen.has(incidentKey(record))) {
      record.resolvedAt = at;
      changed = true;
    }
  }
  return { records: next, changed };
}

function newestResolved(records: IncidentRecord[], key: string, since: number): IncidentRecord | undefined {
  return records
    .filter((record) => record.resolvedAt !== null && incidentKey(record) === key && Date.parse(record.resolvedAt) >= since)
    .sort((a, b) => Date.parse(b.resolvedAt!) - Date.parse(a.resolvedAt!))[0];
}

function openIncident(finding: Finding, now: Date): IncidentRecord {
  const at = now.toISOString();
  return {
    id: `${incidentKey(finding)}:${now.getTime()}`,
    ...finding,
    openedAt: at,
    updatedAt: at,
    resolvedAt: null,
    muted: false,
    told: 'none',
    toldSeverity: null,
    toldAt: null,
    flapping: false,
  };
}

export function isMuted(incident: Pick<Incident, 'rule' | 'app'>, mutes: readonly Mute[], now: Date): boolean {
  return mutes.some((mute) => Date.parse(mute.until) > now.getTime() && (mute.target === incident.rule || mute.target === incident.app));
}

/** What the channels should believe: open, or resolved (a flapping incident's resolution waits out the cooldown). */
function believed(record: IncidentRecord, now: Date, cooldownMs: number): 'open' | 'resolved' {
  if (record.resolvedAt === null) return 'open';
  const held = record.flapping && now.getTime() - Date.parse(record.resolvedAt) < cooldownMs;
  return held ? 'open' : 'resolved';
}

/**
 * The messages due now, and the records with what they were told. A muted incident
 * is told nothing (its `muted` flag says so); when the mute ends, the channels are
 * told where it stands then. Resolved incidents older than keepMs are dropped.
 */
export function tell(
  records: readonly IncidentRecord[],
  mutes: readonly Mute[],
  now: Date,
  timing: Timing,
): { records: IncidentRecord[]; tells: Tell[]; changed: boolean } {
  const at = now.toISOString();
  const tells: Tell[] = [];
  let changed = false;
  const kept = records.filter((record) => record.resolvedAt === null || now.getTime() - Date.parse(record.resolvedAt) < timing.keepMs);
  if (kept.length !== records.length) changed = true;
  const next = kept.map((original) => {
    const record = { ...original };
    const muted = isMuted(record, mutes, now);
    if (muted !== record.muted) {
      record.muted = muted;
      changed = true;
    }
    if (muted) return record;
    const told = due(record, believed(record, now, timing.cooldownMs), now, timing.reminderMs);
    if (!told) return record;
    const { event, note } = told;
    record.told = event === 'resolved' ? 'resolved' : 'open';
    record.toldSeverity = record.severity;
    record.toldAt = at;
    changed = true;
    tells.push({ event, incident: record, ...(note ? { note } : {}) });
    return record;
  });
  return { records: next, tells, changed };
}

function due(record: IncidentRecord, state: 'open' | 'resolved', now: Date, reminderMs: number): Omit<Tell, 'incident'> | null {
  if (state === 'resolved') return record.told === 'open' ? { event: 'resolved' } : null;
  if (record.told === 'none') return { event: 'opened' };
  if (record.told === 'resolved') return { event: 'updated', note: 'back again' };
  // Worse is told at once; better waits for the reminder or the resolution (a disk hovering at the threshold is told once).
  if (record.severity === 'critical' && record.toldSeverity !== 'critical') return { event: 'updated', note: 'now critical' };
  if (record.toldAt && now.getTime() - Date.parse(record.toldAt) >= reminderMs) return { event: 'reminder', note: 'still open' };
  return null;
}

const RANK: Record<Severity, number> = { critical: 0, warning: 1 };

/** Open first (most severe, then newest), then resolved (newest first), as the contract's fields only. */
export function listed(records: readonly IncidentRecord[]): Incident[] {
  const open = records.filter((r) => r.resolvedAt === null);
  const resolved = records.filter((r) => r.resolvedAt !== null);
  open.sort((a, b) => RANK[a.severity] - RANK[b.severity] || Date.parse(b.openedAt) - Date.parse(a.openedAt));
  resolved.sort((a, b) => Date.parse(b.resolvedAt!) - Date.parse(a.resolvedAt!));
  return [...open, ...resolved].map(({ told, toldSeverity, toldAt, flapping, ...incident }) => incident);
}

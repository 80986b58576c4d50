/**
 * The incidents screen's rows: the open incidents, then the resolved, then the mutes
 * (so a mute without an incident can be lifted too); for each, what m would mute and
 * which mute u would lift.
 */
import type { AlertsResponse, Incident, Mute } from '../../src/api/alerts.js';
import { incidentSince, muteTargetOf, SEVERITY_WORDS, splitIncidents } from '../../src/core/incident-format.js';

export type IncidentRow =
  | { kind: 'incident'; incident: Incident /** What m mutes. */; target: string /** The mute holding it back. */; mutedBy?: string }
  | { kind: 'mute'; mute: Mute };

/** What the keys of the incidents screen act on. */
export interface SelectedAlert {
  /** The rule or app m mutes. */
  target: string;
  /** The mute u lifts, when one holds it back. */
  muted?: string | undefined;
}

export function incidentRows(alerts: AlertsResponse | undefined): IncidentRow[] {
  if (!alerts) return [];
  const { open, resolved } = splitIncidents(alerts.incidents);
  const mutedBy = (incident: Incident) =>
    alerts.mutes.find((m) => m.target === incident.app)?.target ?? alerts.mutes.find((m) => m.target === incident.rule)?.target;
  return [
    ...[...open, ...resolved].map((incident): IncidentRow => {
      const by = incident.resolvedAt === null ? mutedBy(incident) : undefined;
      return { kind: 'incident', incident, target: muteTargetOf(incident), ...(by ? { mutedBy: by } : {}) };
    }),
    ...alerts.mutes.map((mute): IncidentRow => ({ kind: 'mute', mute })),
  ];
}

/** The words a `/` filter looks at. */
export function incidentRowText(row: IncidentRow, now: Date): string {
  if (row.kind === 'mute') return `muted ${row.mute.target} ${row.mute.by}`;
  const { incident } = row;
  return [SEVERITY_WORDS[incident.severity], incident.rule, incident.subject, incident.title, incidentSince(incident, now)].join(' ');
}

export function selectedAlert(row: IncidentRow | undefined): SelectedAlert | undefined {
  if (!row) return undefined;
  if (row.kind === 'mute') return { target: row.mute.target, muted: row.mute.target };
  return { target: row.target, muted: row.mutedBy };
}

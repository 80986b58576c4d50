import { Box, Text } from 'ink';
import type { AlertsResponse, ChannelStatus } from '../../src/api/alerts.js';
import { formatAgo } from '../../src/core/format.js';
import { formatUntil, incidentSince, SEVERITY_WORDS } from '../../src/core/incident-format.js';
import { UPDATE_AGENT, type AlertOutcome } from '../hooks/use-alerts.js';
import type { IncidentRow } from '../state/incident-rows.js';
import { visibleRange } from '../state/scroll.js';

export interface IncidentsScreenProps {
  server: string;
  alerts?: AlertsResponse | undefined;
  /** The agent answered 404 for /api/alerts: it is older than this hms. */
  missing: boolean;
  error?: string | undefined;
  rows: IncidentRow[];
  selected: number;
  height: number;
  now: number;
  outcome?: AlertOutcome | undefined;
}

const WIDTHS = [9, 12, 18, 38];
/** The columns padded to their widths; the last one (since when) as long as it is. */
const pad = (cells: string[]) => cells.map((cell, i) => (i < WIDTHS.length ? cell.slice(0, WIDTHS[i]).padEnd(WIDTHS[i]!) : cell)).join(' ');
const severityColor = { critical: 'red', warning: 'yellow' } as const;

function rowCells(row: IncidentRow, now: Date): string[] {
  if (row.kind === 'mute') return ['muted', row.mute.target, `by ${row.mute.by}`, formatUntil(row.mute.until, now), ''];
  const { incident } = row;
  const muted = row.mutedBy ? ', muted' : '';
  return [SEVERITY_WORDS[incident.severity], incident.rule, incident.subject, incident.title, `${incidentSince(incident, now)}${muted}`];
}

function rowColor(row: IncidentRow): string | undefined {
  if (row.kind === 'mute' || row.incident.resolvedAt !== null || row.mutedBy) return undefined;
  return severityColor[row.incident.severity];
}

function ChannelLine({ channel, now }: { channel: ChannelStatus; now: Date }) {
  const last = channel.lastDeliveredAt ? `sent ${formatAgo(channel.lastDeliveredAt, now)}` : 'nothing sent yet';
  return (
    <Text wrap="truncate">
      {`  ${channel.name.padEnd(12)} ${channel.type.padEnd(8)} ${channel.target.slice(0, 32).padEnd(32)} `}
      <Text color={channel.queued > 0 ? 'yellow' : undefined}>{`queued ${channel.queued}`.padEnd(10)}</Text>
      {` ${last.padEnd(16)} `}
      {channel.lastError ? <Text color="red">{channel.lastError.message}</Text> : null}
    </Text>
  );
}

/**
 * The current server's incidents: the open ones (coloured by severity; a muted one plain),
 * then the resolved, then the mutes; below, what the selected one says to do, each channel
 * with its queue and last error, and what the last test said.
 */
export function IncidentsScreen({ server, alerts, missing, error, rows, selected, height, now, outcome }: IncidentsScreenProps) {
  const at = new Date(now);
  const channels = alerts?.channels ?? [];
  const chosen = rows[selected];
  const detail = chosen?.kind === 'incident' ? chosen.incident.detail : undefined;
  const below = (detail ? 1 : 0) + (channels.length > 0 ? channels.length + 1 : 0) + (outcome ? outcome.lines.length : 0);
  const { start, end } = visibleRange(rows.length, selected, height - 3 - below);
  const open = alerts?.incidents.filter((i) => i.resolvedAt === null).length ?? 0;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold>
        Incidents on {server}
        {alerts ? <Text dimColor>{` ${open} open · checked ${formatAgo(alerts.checkedAt, at)} · m mute · u unmute · t test`}</Text> : null}
      </Text>
      {missing ? (
        <Text color="yellow">{`The agent on ${server} has no incidents watcher (it is older than this hms): ${UPDATE_AGENT}.`}</Text>
      ) : error ? (
        <Text color="red">{error}</Text>
      ) : !alerts ? (
        <Text dimColor>Loading…</Text>
      ) : null}
      {alerts && !alerts.enabled ? <Text color="yellow">The watcher is off in the agent's config (alerts.enabled).</Text> : null}
      {alerts && rows.length === 0 ? <Text color="green">No incidents: nothing is wrong that the watcher knows of.</Text> : null}
      {rows.length > 0 ? <Text dimColor>{`  ${pad(['SEVERITY', 'RULE', 'SUBJECT', 'TITLE', 'SINCE'])}`}</Text> : null}
      {rows.slice(start, end).map((row, i) => (
        <Text
          key={row.kind === 'mute' ? `mute ${row.mute.target}` : row.incident.id}
          wrap="truncate"
          inverse={start + i === selected}
          color={rowColor(row)}
          dimColor={row.kind === 'incident' && row.incident.resolvedAt !== null}
        >
          {`${start + i === selected ? '▶' : ' '} ${pad(rowCells(row, at))}`}
        </Text>
      ))}
      {detail ? (
        <Text color="cyan" wrap="truncate">
          {`  ${detail}`}
        </Text>
      ) : null}
      {channels.length > 0 ? <Text bold>Channels</Text> : null}
      {channels.map((channel) => (
        <ChannelLine key={channel.name} channel={channel} now={at} />
      ))}
      {outcome?.lines.map((line, i) => (
        <Text key={i} color={line.startsWith('✓') ? 'green' : 'red'} wrap="truncate">
          {line}
        </Text>
      ))}
    </Box>
  );
}

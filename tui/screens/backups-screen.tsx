import { Box, Text } from 'ink';
import type { BackupSnapshot } from '../../src/api/backups.js';
import { columnWidths, progressLine, SNAPSHOT_COLUMNS, snapshotRows, type BackupOutcome, type BackupTask } from '../state/backup-rows.js';
import { visibleRange } from '../state/scroll.js';

export interface BackupsScreenProps {
  server: string;
  /** The app whose snapshots are shown; none: the list of apps with a database. */
  app?: string | undefined;
  apps: string[];
  /** Newest first, after the filter. */
  snapshots: BackupSnapshot[];
  /** The open app's snapshots are not read yet. */
  loading: boolean;
  error?: string | undefined;
  task?: BackupTask | undefined;
  outcome?: BackupOutcome | undefined;
  selected: number;
  height: number;
  now: number;
}

/** Backups: the current server's apps with a database, or one app's snapshots; what runs and how it ended. */
export function BackupsScreen(props: BackupsScreenProps) {
  const { app, task, outcome, server, now } = props;
  const shown = outcome && outcome.server === server && (app === undefined || outcome.app === app) ? outcome : undefined;
  const below = (task ? 1 : 0) + (shown?.lines.length ?? 0);
  return (
    <Box flexDirection="column" height={props.height} overflow="hidden">
      {app ? <Snapshots {...props} app={app} room={props.height - below} /> : <AppList {...props} room={props.height - below} />}
      {task ? <Text color="yellow">{progressLine(task, now)}</Text> : null}
      {shown?.lines.map((text, i) => (
        <Text key={`outcome-${i}`} wrap="truncate" color={shown.ok ? 'green' : 'red'}>
          {text}
        </Text>
      ))}
    </Box>
  );
}

function AppList({ server, apps, selected, room }: BackupsScreenProps & { room: number }) {
  const { start, end } = visibleRange(apps.length, selected, Math.max(1, room - 1));
  return (
    <>
      <Text bold>
        Backups on {server}
        <Text dimColor> (enter: snapshots · b backs up now · t runs a restore drill)</Text>
      </Text>
      {apps.length === 0 ? (
        <Text dimColor>No app on {server} has a database to back up yet (PostgreSQL, or a deployed SQLite file), or none match.</Text>
      ) : null}
      {apps.slice(start, end).map((name, i) => (
        <Text key={name} inverse={start + i === selected}>
          {`${start + i === selected ? '▶' : ' '} ${name}`}
        </Text>
      ))}
    </>
  );
}

function Snapshots({ server, app, snapshots, loading, error, selected, now, room }: BackupsScreenProps & { app: string; room: number }) {
  const rows = snapshotRows(snapshots, new Date(now));
  const widths = columnWidths(rows);
  const line = (cells: readonly string[]): string =>
    cells
      .slice(0, -1)
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ');
  const { start, end } = visibleRange(rows.length, selected, Math.max(1, room - 3));
  return (
    <>
      <Text bold wrap="truncate">
        {app} on {server}
        <Text dimColor> database snapshots, newest first · b backs up now · t drill · R restores the selected one</Text>
      </Text>
      {error ? (
        <Text color="red">{error}</Text>
      ) : loading ? (
        <Text dimColor>Loading…</Text>
      ) : rows.length === 0 ? (
        <Text dimColor>No backups of {app} yet: b takes one.</Text>
      ) : (
        <Text dimColor>{`  ${line(SNAPSHOT_COLUMNS)}  DRILL`}</Text>
      )}
      {rows.slice(start, end).map((row, i) => (
        <Text key={snapshots[start + i]?.id ?? i} wrap="truncate" inverse={start + i === selected}>
          {`${start + i === selected ? '▶' : ' '} ${line(row.cells)}  `}
          <Text color={row.drill === undefined ? undefined : row.drill ? 'green' : 'red'}>{row.cells.at(-1)}</Text>
        </Text>
      ))}
    </>
  );
}

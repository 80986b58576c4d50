import { Box, Text } from 'ink';
import { UnitsTable } from '../components/units-table.js';
import type { OverviewRow } from '../state/overview-rows.js';

export interface UnreachableServer {
  server: string;
  text: string;
}

export interface OverviewScreenProps {
  rows: OverviewRow[];
  selected: number;
  height: number;
  width: number;
  /** More than one server: a SERVER column. */
  showServer: boolean;
  /** Servers with nothing to show yet, and why. */
  waiting: UnreachableServer[];
  problems: string[];
  filter: string;
  /** An action on its way (`restart cigar on test…`). */
  pending?: string | undefined;
}

/** Servers x apps (with nginx and the agent): state, since, pid, memory, restarts, health, release. */
export function OverviewScreen({ rows, selected, height, width, showServer, waiting, problems, filter, pending }: OverviewScreenProps) {
  const notes = [...waiting.map((w) => `${w.server}: ${w.text}`), ...problems];
  const tableHeight = Math.max(4, height - 1 - Math.min(notes.length, 3) - (pending ? 1 : 0));
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold>
        Overview{filter ? <Text color="cyan"> /{filter}</Text> : null}
        <Text dimColor> {rows.length} units</Text>
      </Text>
      {rows.length > 0 ? (
        <UnitsTable rows={rows} selected={selected} height={tableHeight} width={width} showServer={showServer} />
      ) : (
        <Text dimColor>{waiting.length > 0 ? 'Waiting for the first answer…' : 'Nothing matches the filter.'}</Text>
      )}
      {pending ? <Text color="yellow">{pending}</Text> : null}
      {notes.slice(0, 3).map((note) => (
        <Text key={note} wrap="truncate" dimColor>
          {note}
        </Text>
      ))}
    </Box>
  );
}

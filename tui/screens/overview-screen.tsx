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
  /** How many servers are shown (with more than one, the title counts those that answer). */
  serverCount?: number | undefined;
}

/** Lines under the table for servers without an answer and for problems. */
const NOTE_LINES = 3;

/**
 * One line per server without an answer while they fit; beyond, the last line names the
 * rest (ten servers of which five are down still leave the table its room).
 */
export function overviewNotes(waiting: UnreachableServer[], problems: string[], lines = NOTE_LINES): string[] {
  const all = [...waiting.map((w) => `${w.server}: ${w.text}`), ...problems];
  if (all.length <= lines) return all;
  const shown = waiting.slice(0, lines - 1).map((w) => `${w.server}: ${w.text}`);
  const rest = waiting.slice(lines - 1).map((w) => w.server);
  return [...shown, rest.length > 0 ? `+${rest.length} more without an answer: ${rest.join(', ')}` : problems[0]!];
}

/** Servers x apps (with nginx and the agent): state, since, pid, memory, restarts, health, release. */
export function OverviewScreen(props: OverviewScreenProps) {
  const { rows, selected, height, width, showServer, waiting, problems, filter, pending, serverCount = 1 } = props;
  const notes = overviewNotes(waiting, problems);
  const tableHeight = Math.max(4, height - 1 - notes.length - (pending ? 1 : 0));
  const up = serverCount - waiting.length;
  // Cut below only: every line is a Text that keeps to the width itself, and clipping across
  // makes Ink slice each line's ANSI again on every frame.
  return (
    <Box flexDirection="column" height={height} overflowY="hidden">
      <Text bold>
        Overview{filter ? <Text color="cyan"> /{filter}</Text> : null}
        <Text dimColor> {rows.length} units</Text>
        {serverCount > 1 ? (
          <Text color={up < serverCount ? 'yellow' : undefined} dimColor={up === serverCount}>
            {' '}
            · {up}/{serverCount} servers answer
          </Text>
        ) : null}
      </Text>
      {rows.length > 0 ? (
        <UnitsTable rows={rows} selected={selected} height={tableHeight} width={width} showServer={showServer} />
      ) : (
        <Text dimColor>{waiting.length > 0 ? 'Waiting for the first answer…' : 'Nothing matches the filter.'}</Text>
      )}
      {pending ? <Text color="yellow">{pending}</Text> : null}
      {notes.map((note) => (
        <Text key={note} wrap="truncate" dimColor>
          {note}
        </Text>
      ))}
    </Box>
  );
}

import { Box, Text } from 'ink';
import { tableLines, type TableSegment } from '../state/box-table.js';
import { unitLabel } from '../../src/core/format.js';
import type { OverviewRow } from '../state/overview-rows.js';
import { visibleRange } from '../state/scroll.js';

const SELECTED = '▶';
const MAX_CELL = 28;

/** A cell's colour by what it says: running green, failed red, changing yellow, the cursor cyan. */
export function cellColor(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith(SELECTED)) return 'cyan';
  if (trimmed.startsWith('●') || trimmed.startsWith('ok ')) return 'green';
  if (trimmed.startsWith('✗')) return 'red';
  if (trimmed.startsWith('◌') || trimmed.startsWith('?')) return 'yellow';
  return undefined;
}

/** Two lines a row plus four of frame: how many rows fit in `height`. */
export function tableCapacity(height: number): number {
  return Math.max(1, Math.floor((height - 3) / 2));
}

type Cells = Record<string, string>;

const COLUMNS: Array<{ name: string; cell(row: OverviewRow): string }> = [
  { name: 'SERVER', cell: (row) => row.server },
  { name: 'APP', cell: (row) => unitLabel({ name: row.app, kind: row.kind }) },
  { name: 'STATE', cell: (row) => row.state },
  { name: 'SINCE', cell: (row) => row.since },
  { name: 'PID', cell: (row) => row.pid },
  { name: 'MEMORY', cell: (row) => row.memory },
  { name: 'RESTARTS', cell: (row) => row.restarts },
  { name: 'HEALTH', cell: (row) => row.health },
  { name: 'RELEASE', cell: (row) => row.release },
  { name: 'BACKUP', cell: (row) => row.backup ?? '–' },
];
/** What goes first when the terminal is narrow. */
const DROP_ORDER = ['RELEASE', 'RESTARTS', 'PID', 'SINCE', 'BACKUP', 'MEMORY', 'HEALTH'];

function tableWidth(data: Cells[], names: string[]): number {
  return names.reduce((sum, name) => sum + Math.max(name.length, ...data.map((row) => (row[name] ?? '').length)) + 3, 1);
}

/** The columns that fit in `width`, dropping the least telling first. */
export function fittingColumns(data: Cells[], names: string[], width: number): string[] {
  let kept = names;
  for (const drop of DROP_ORDER) {
    if (tableWidth(data, kept) <= width) break;
    kept = kept.filter((name) => name !== drop);
  }
  return kept;
}

const cut = (text: string): string => (text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text);

/** The servers x apps table; only the rows that fit are drawn, around the selected one. */
export function UnitsTable({
  rows,
  selected,
  height,
  width,
  showServer,
}: {
  rows: OverviewRow[];
  selected: number;
  height: number;
  width: number;
  showServer: boolean;
}) {
  const { start, end } = visibleRange(rows.length, selected, tableCapacity(height));
  // BACKUP only where an agent reports backups (GET /api/backups).
  const backups = rows.some((row) => row.backup !== undefined);
  const columns = COLUMNS.filter((column) => (showServer || column.name !== 'SERVER') && (backups || column.name !== 'BACKUP'));
  const all: Cells[] = rows.map((row, i) => ({
    ' ': i === selected ? SELECTED : ' ',
    ...Object.fromEntries(columns.map((column) => [column.name, cut(column.cell(row))])),
  }));
  const names = [
    ' ',
    ...fittingColumns(
      all,
      columns.map((column) => column.name),
      width - 4,
    ),
  ];
  // Rows come server by server: its name heads its group (and the first row in view), blank below, so the groups read apart.
  const data = all
    .slice(start, end)
    .map((cells, i): Cells => (i > 0 && rows[start + i - 1]!.server === rows[start + i]!.server ? { ...cells, SERVER: '' } : cells))
    .map((cells) => Object.fromEntries(names.map((name) => [name, cells[name]!])));
  return <BoxTable data={data} columns={names} />;
}

/**
 * The table, one Text a line: the frame bold, the headings bold blue, each cell coloured by
 * cellColor. One node a line instead of one a cell is what makes the overview cheap to draw.
 */
function BoxTable({ data, columns }: { data: Cells[]; columns: string[] }) {
  return (
    <Box flexDirection="column">
      {tableLines(data, columns).map((segments, i) => (
        <Text key={i} wrap="truncate">
          {segments.map((segment, j) => (
            <Segment key={j} segment={segment} />
          ))}
        </Text>
      ))}
    </Box>
  );
}

function Segment({ segment }: { segment: TableSegment }) {
  if (segment.kind === 'frame') return <Text bold>{segment.text}</Text>;
  if (segment.kind === 'heading')
    return (
      <Text bold color="blue">
        {segment.text}
      </Text>
    );
  return <Text color={cellColor(segment.text)}>{segment.text}</Text>;
}

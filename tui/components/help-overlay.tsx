import { Box, Text } from 'ink';
import type { Binding } from '../state/key-bindings.js';
import { keyLabel } from '../state/keymap.js';

const SECTIONS: Array<{ title: string; screen: string }> = [
  { title: 'Everywhere', screen: 'all' },
  { title: 'Overview', screen: 'overview' },
  { title: 'Logs', screen: 'logs' },
  { title: 'Configs', screen: 'configs' },
  { title: 'Scripts', screen: 'scripts' },
  { title: 'Deploys', screen: 'deploys' },
  { title: 'Agent', screen: 'agent' },
  { title: 'Incidents', screen: 'incidents' },
];

type HelpLine = { title: string } | { keys: string; help: string };

function helpLines(bindings: Binding[]): HelpLine[] {
  return SECTIONS.flatMap(({ title, screen }) => {
    const rows = bindings.filter((b) =>
      screen === 'all' ? b.screens === 'all' : b.screens !== 'all' && b.screens.includes(screen as never),
    );
    return rows.length === 0 ? [] : [{ title }, ...rows.map((b) => ({ keys: keyLabel(b.keys), help: b.help }))];
  });
}

/** The lines cut into columns of `height`; a section title never ends a column. */
export function helpColumns<T extends HelpLine>(lines: T[], height: number): T[][] {
  const columns: T[][] = [];
  let column: T[] = [];
  for (const line of lines) {
    if (column.length >= height) {
      const last = column.at(-1);
      const carried = last && 'title' in last ? [column.pop()!] : [];
      columns.push(column);
      column = carried;
    }
    column.push(line);
  }
  if (column.length > 0) columns.push(column);
  return columns;
}

/** `?`: every key, grouped by screen, in as many columns as the height needs; what --readonly hides is left out, and it says so. */
export function HelpOverlay({
  bindings,
  readonly,
  height,
  width = 100,
}: {
  bindings: Binding[];
  readonly: boolean;
  height: number;
  width?: number;
}) {
  const lines = helpLines(bindings);
  const room = Math.max(4, height - 3 - (readonly ? 1 : 0));
  const columns = helpColumns(lines, room);
  const keyWidth = Math.max(...lines.map((line) => ('keys' in line ? line.keys.length : 0))) + 2;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} height={height} overflow="hidden">
      <Text bold>Keys (Esc or ? closes)</Text>
      <Box flexDirection="row" height={room} overflow="hidden">
        {columns.map((column, c) => (
          <Box key={c} flexDirection="column" width={Math.floor((width - 4) / columns.length)} paddingRight={1}>
            {column.map((line, i) =>
              'title' in line ? (
                <Text key={i} color="cyan" bold wrap="truncate">
                  {line.title}
                </Text>
              ) : (
                <Text key={i} wrap="truncate">
                  {`  ${line.keys.padEnd(keyWidth)}`}
                  <Text dimColor>{line.help}</Text>
                </Text>
              ),
            )}
          </Box>
        ))}
      </Box>
      {readonly ? (
        <Text color="yellow">
          Read-only session (--readonly): start, stop, restart, config edits, script runs, deploys, rollbacks, locks, agent updates, mutes
          and test alerts are off.
        </Text>
      ) : null}
    </Box>
  );
}

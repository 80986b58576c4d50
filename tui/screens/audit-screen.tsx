import { Box, Text } from 'ink';
import type { AuditEntry } from '../../src/api/core.js';
import { visibleRange } from '../state/scroll.js';

export interface AuditScreenProps {
  server: string;
  entries: AuditEntry[];
  loaded: boolean;
  error?: string | undefined;
  selected: number;
  height: number;
}

const resultColor = { ok: 'green', failed: 'red', refused: 'yellow' } as const;

/** Recent actions on the server, newest first. */
export function AuditScreen({ server, entries, loaded, error, selected, height }: AuditScreenProps) {
  const { start, end } = visibleRange(entries.length, selected, height - 2);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold>
        Audit on {server}
        <Text dimColor> newest first · {entries.length} entries</Text>
      </Text>
      {error ? (
        <Text color="red">{error}</Text>
      ) : !loaded ? (
        <Text dimColor>Loading…</Text>
      ) : entries.length === 0 ? (
        <Text dimColor>Nothing yet.</Text>
      ) : null}
      {entries.slice(start, end).map((entry, i) => (
        <Text key={`${entry.at}-${start + i}`} wrap="truncate" inverse={start + i === selected}>
          {`${start + i === selected ? '▶' : ' '} ${entry.at.replace('T', ' ').slice(0, 19)}  ` +
            `${entry.actor.padEnd(24)} ${entry.action.padEnd(18)} ${entry.target.padEnd(16)} `}
          <Text color={resultColor[entry.result]}>{entry.result.padEnd(8)}</Text>
          <Text dimColor>{entry.detail ?? ''}</Text>
        </Text>
      ))}
    </Box>
  );
}

import { Box, Text } from 'ink';
import type { StreamStatus } from '../state/log-stream.js';
import { clockTime, NOTE_SOURCE, type LogEntry } from '../state/log-view.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';

export interface LogsScreenProps {
  title: string;
  sources: string[];
  streams: Record<string, StreamStatus>;
  /** The visible window only, oldest first. */
  lines: LogEntry[];
  paused: boolean;
  /** Lines that came in after the pause. */
  newLines: number;
  more: boolean;
  filter: string;
  filterError?: string | undefined;
  timestamps: boolean;
  total: number;
  height: number;
}

const SOURCE_COLORS = ['cyan', 'magenta', 'blue', 'green'] as const;
const streamColor = { following: 'green', connecting: 'yellow', reconnecting: 'red', stopped: 'red' } as const;

/** An app's logs, merged and tagged by source; follows, or holds still while paused. */
export function LogsScreen(props: LogsScreenProps) {
  const { title, sources, streams, lines, paused, newLines, filter, filterError, timestamps, total, height } = props;
  const width = Math.max(...sources.map((s) => s.length), NOTE_SOURCE.length);
  // Ink measures every character it is given: a line is cut to the screen's width first (a log line may be kilobytes).
  const { columns } = useTerminalSize();
  const colorOf = (source: string) => (source === NOTE_SOURCE ? 'yellow' : SOURCE_COLORS[sources.indexOf(source) % SOURCE_COLORS.length]);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text wrap="truncate">
        <Text bold>Logs {title}</Text>
        {sources.map((source) => (
          <Text key={source}>
            {'  '}
            <Text color={streamColor[streams[source]?.state ?? 'connecting']}>●</Text> <Text color={colorOf(source)}>{source}</Text>
          </Text>
        ))}
        {'  '}
        {paused ? (
          <Text color="yellow" bold>
            PAUSED{newLines > 0 ? ` +${newLines} new` : ''}
          </Text>
        ) : (
          <Text color="green">following</Text>
        )}
        <Text dimColor> {total} lines</Text>
        {filter ? (
          <Text color={filterError ? 'red' : 'cyan'}>
            {' '}
            /{filter}
            {filterError ? ` (${filterError})` : ''}
          </Text>
        ) : null}
      </Text>
      {lines.length === 0 ? <Text dimColor>{filter ? 'No line matches the filter yet.' : 'Waiting for lines…'}</Text> : null}
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate">
          {timestamps ? <Text dimColor>{clockTime(line.ts)} </Text> : null}
          <Text color={colorOf(line.source)}>{line.source.padEnd(width)} </Text>
          {line.text.length > columns ? line.text.slice(0, columns) : line.text}
        </Text>
      ))}
    </Box>
  );
}

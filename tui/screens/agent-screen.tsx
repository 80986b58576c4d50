import { Box, Text } from 'ink';
import type { AgentReleases } from '../../src/api/agent.js';
import type { AgentFeed } from '../hooks/use-agent.js';
import { visibleRange } from '../state/scroll.js';

export interface AgentScreenProps {
  server: string;
  info?: AgentReleases | undefined;
  /** Kept releases after the filter. */
  releases: AgentReleases['releases'];
  error?: string | undefined;
  bundle?: AgentFeed['bundle'];
  update?: AgentFeed['update'];
  selected: number;
  height: number;
}

/** The agent of the current server: what runs, what is kept, the last self-update, and one in progress. */
export function AgentScreen({ server, info, releases, error, bundle, update, selected, height }: AgentScreenProps) {
  const progress = update && update.server === server ? [...update.lines, ...(update.outcome?.lines ?? [])] : [];
  const { start, end } = visibleRange(releases.length, selected, Math.max(1, height - 6 - progress.length));
  const last = info?.update;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold wrap="truncate">
        Agent on {server}
        <Text dimColor>
          {' '}
          running {info ? (info.running ?? 'none') : '…'} · current {info ? (info.current ?? 'none') : '…'}
        </Text>
      </Text>
      <Text wrap="truncate" dimColor={!bundle || 'release' in bundle} color={bundle && 'error' in bundle ? 'yellow' : undefined}>
        {bundle
          ? 'release' in bundle
            ? `This hms carries agent ${bundle.release}.`
            : `This hms carries no agent: ${bundle.error}`
          : 'This hms carries agent …'}
      </Text>
      <Text wrap="truncate" dimColor={!last || last.status === 'active'} color={last && last.status !== 'active' ? 'yellow' : undefined}>
        {last
          ? `Last update: ${last.release} ${last.status}${last.from ? ` (from ${last.from})` : ''} ` +
            `at ${last.endedAt ?? last.startedAt}${last.detail ? `: ${last.detail.split('\n')[0]}` : ''}`
          : 'Last update: none'}
      </Text>
      {error ? (
        <Text color="red">{error}</Text>
      ) : !info ? (
        <Text dimColor>Loading…</Text>
      ) : (
        <Text dimColor>Kept releases (● current · u sends this hms's agent · enter restores the selected one):</Text>
      )}
      {releases.slice(start, end).map((release, i) => (
        <Text key={release.id} wrap="truncate" inverse={start + i === selected}>
          {`${start + i === selected ? '▶' : ' '} ${release.id === info?.current ? '●' : ' '} ` +
            `${release.id.padEnd(28)} ${release.installedAt}`}
        </Text>
      ))}
      {progress.map((line, i) => (
        <Text
          key={`progress-${i}`}
          wrap="truncate"
          bold={i >= update!.lines.length && i === update!.lines.length}
          color={i >= update!.lines.length ? (update!.outcome?.ok ? 'green' : 'red') : 'cyan'}
        >
          {line}
        </Text>
      ))}
      {update?.running && update.server === server ? <Text color="yellow">waiting for the outcome…</Text> : null}
    </Box>
  );
}

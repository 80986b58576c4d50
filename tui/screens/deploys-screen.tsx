import { Box, Text } from 'ink';
import type { DeployLock, ReleaseSummary } from '../../src/api/deploys.js';
import { lockLine } from '../../src/core/deploy-render.js';
import type { DeployResult } from '../hooks/use-deploys.js';
import type { DeployRun } from '../state/deploy-run.js';
import { lockCell, releaseLines, type DeployAppRow } from '../state/deploy-rows.js';
import { visibleRange } from '../state/scroll.js';
import type { DeployFocus } from '../state/ui-state.js';
import { DeployRunView } from './deploy-run-view.js';

export interface DeploysScreenProps {
  server: string;
  focus?: DeployFocus | undefined;
  /** The apps (after the filter), or the open app's releases. */
  apps: DeployAppRow[];
  releases: ReleaseSummary[];
  /** Releases not read yet. */
  loading: boolean;
  /** The server's apps are known (its agent answered). */
  known: boolean;
  lock?: DeployLock | null | undefined;
  error?: string | undefined;
  busy?: string | undefined;
  result?: DeployResult | undefined;
  /** The open app's deploy (its run view), when there is one. */
  run?: DeployRun | undefined;
  selected: number;
  scroll: number;
  height: number;
}

/** Deploys: the current server's apps, one app's releases and lock, or its deploy as it runs. */
export function DeploysScreen(props: DeploysScreenProps) {
  const { focus, height } = props;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {focus?.view === 'run' ? (
        props.run ? (
          <DeployRunView run={props.run} scroll={props.scroll} height={height} />
        ) : (
          <Text dimColor>No deploy of {focus.app} in this session yet: d deploys it.</Text>
        )
      ) : focus ? (
        <Releases {...props} app={focus.app} />
      ) : (
        <AppList {...props} />
      )}
    </Box>
  );
}

function AppList({ server, apps, known, error, selected, height }: DeploysScreenProps) {
  const { start, end } = visibleRange(apps.length, selected, height - 2);
  const width = Math.max(5, ...apps.map((row) => row.app.length));
  const line = (mark: string, app: string, release: string, state: string, lock: string): string =>
    `${mark} ${app.padEnd(width)}  ${release.padEnd(14)}  ${state.padEnd(18)}  ${lock}`;
  const empty = known ? `No apps to deploy on ${server} (or none match the filter).` : `Waiting for the agent on ${server}…`;
  return (
    <>
      <Text bold>
        Deploys on {server}
        <Text dimColor> (enter: releases and lock · d deploys · w watches its deploy)</Text>
      </Text>
      {error ? <Text color="red">{error}</Text> : null}
      {apps.length === 0 ? <Text dimColor>{empty}</Text> : <Text dimColor>{line(' ', 'APP', 'RELEASE', 'STATE', 'LOCK')}</Text>}
      {apps.slice(start, end).map((row, i) => (
        <Text key={row.app} wrap="truncate" inverse={start + i === selected}>
          {line(start + i === selected ? '▶' : ' ', row.app, row.release, row.state, '')}
          <Text color={row.lock ? 'yellow' : undefined}>{lockCell(row.lock)}</Text>
        </Text>
      ))}
    </>
  );
}

function Releases({ server, app, releases, loading, lock, error, busy, result, selected, height }: DeploysScreenProps & { app: string }) {
  const { header, rows } = releaseLines(releases);
  const shown = result?.app === app ? result : undefined;
  const room = Math.max(1, height - 3 - header.length - (busy ? 1 : 0) - (shown?.lines.length ?? 0));
  const { start, end } = visibleRange(rows.length, selected, room);
  return (
    <>
      <Text bold wrap="truncate">
        {app} on {server}
        <Text dimColor> releases, newest first (→ is live) · b rolls back to the selected one</Text>
      </Text>
      <Text wrap="truncate" color={lock ? 'yellow' : undefined}>
        {lock === undefined ? 'Lock: …' : lockLine(app, lock)}
      </Text>
      {error ? (
        <Text color="red">{error}</Text>
      ) : loading ? (
        <Text dimColor>Loading…</Text>
      ) : rows.length === 0 ? (
        <Text dimColor>No releases yet: d deploys {app}.</Text>
      ) : null}
      {header.map((text) => (
        <Text key={text} wrap="truncate" dimColor>
          {`  ${text}`}
        </Text>
      ))}
      {rows.slice(start, end).map((text, i) => (
        <Text
          key={releases[start + i]?.id ?? i}
          wrap="truncate"
          inverse={start + i === selected}
          color={releases[start + i]?.status === 'failed' ? 'red' : undefined}
        >
          {`${start + i === selected ? '▶' : ' '} ${text}`}
        </Text>
      ))}
      {busy ? <Text color="yellow">{busy}</Text> : null}
      {shown?.lines.map((text, i) => (
        <Text key={`result-${i}`} wrap="truncate" color={text.startsWith('warning:') ? 'yellow' : shown.ok ? 'green' : 'red'}>
          {text}
        </Text>
      ))}
    </>
  );
}

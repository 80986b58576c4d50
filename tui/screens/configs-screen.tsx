import { Box, Text } from 'ink';
import type { SiteContent, SiteList } from '../../src/api/configs.js';
import { formatAgo, formatBytes } from '../../src/core/format.js';
import type { Draft } from '../state/config-review.js';
import type { DiffLine } from '../../src/core/diff.js';
import { clampScroll, visibleRange } from '../state/scroll.js';

export interface ConfigsScreenProps {
  server: string;
  list?: SiteList | undefined;
  listError?: string | undefined;
  /** Sites after the `/` filter. */
  sites: SiteList['sites'];
  selected: number;
  site?: string | undefined;
  live?: SiteContent | undefined;
  liveError?: string | undefined;
  draft?: Draft | undefined;
  busy?: string | undefined;
  scroll: number;
  height: number;
  now: number;
}

/** nginx sites: the list, one site with line numbers, or an edit's diff before it is applied. */
export function ConfigsScreen(props: ConfigsScreenProps) {
  const { server, site, busy, height } = props;
  if (busy) return <Text color="yellow">{busy}</Text>;
  if (!site) return <SiteListView {...props} />;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {props.draft ? (
        <Review draft={props.draft} scroll={props.scroll} height={height} />
      ) : (
        <LiveView site={site} server={server} live={props.live} error={props.liveError} scroll={props.scroll} height={height} />
      )}
    </Box>
  );
}

function SiteListView({ server, list, listError, sites, selected, height, now }: ConfigsScreenProps) {
  const { start, end } = visibleRange(sites.length, selected, height - 2);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold>
        nginx sites on {server}
        <Text dimColor> (enter views, e edits)</Text>
      </Text>
      {listError ? <Text color="red">{listError}</Text> : !list ? <Text dimColor>Loading…</Text> : null}
      {sites.slice(start, end).map((s, i) => (
        <Text key={s.name} wrap="truncate" inverse={start + i === selected}>
          {`${start + i === selected ? '▶' : ' '} ${s.name.padEnd(24)} ${(s.enabled ? 'enabled' : 'disabled').padEnd(9)} ` +
            `${formatBytes(s.size).padStart(7)}  modified ${formatAgo(s.modified, new Date(now))}`}
        </Text>
      ))}
      {(list?.problems ?? []).map((p) => (
        <Text key={p.name} color="red" wrap="truncate">{`  ${p.name}: ${p.problem}`}</Text>
      ))}
    </Box>
  );
}

function LiveView({
  site,
  server,
  live,
  error,
  scroll,
  height,
}: {
  site: string;
  server: string;
  live?: SiteContent | undefined;
  error?: string | undefined;
  scroll: number;
  height: number;
}) {
  if (error) return <Text color="red">{error}</Text>;
  if (!live) return <Text dimColor>Loading {site}…</Text>;
  const lines = live.content.replace(/\n$/, '').split('\n');
  const first = clampScroll(scroll, lines.length, height - 1);
  const digits = String(lines.length).length;
  return (
    <>
      <Text bold>
        {site} on {server}
        <Text dimColor>
          {' '}
          live · {lines.length} lines · etag {live.etag.slice(1, 13)} · e edits
        </Text>
      </Text>
      {lines.slice(first, first + height - 1).map((line, i) => (
        <Text key={first + i} wrap="truncate">
          <Text dimColor>{String(first + i + 1).padStart(digits)} │ </Text>
          {line}
        </Text>
      ))}
    </>
  );
}

const diffColor = { add: 'green', remove: 'red', hunk: 'cyan', same: undefined } as const;
const diffMark = { add: '+', remove: '-', hunk: '', same: ' ' } as const;

function Review({ draft, scroll, height }: { draft: Draft; scroll: number; height: number }) {
  const problem = draft.problem;
  const detail = problem?.detail ? problem.detail.split('\n').slice(0, 6) : [];
  const header = 2 + (problem ? 2 + detail.length : 0);
  const lines: DiffLine[] = draft.diff;
  const first = clampScroll(scroll, lines.length, height - header);
  return (
    <>
      <Text bold>
        {draft.site} on {draft.server}: your edit
        <Text dimColor> (a applies · e edits again · u diffs against the live file · Esc keeps the copy)</Text>
      </Text>
      <Text dimColor wrap="truncate">
        copy: {draft.file} · based on etag {draft.etag.slice(1, 13)}
        {draft.applying ? <Text color="yellow"> · applying…</Text> : null}
      </Text>
      {problem ? (
        <Box flexDirection="column">
          <Text color="red" bold wrap="truncate">
            {problem.kind === 'conflict'
              ? 'CONFLICT (412): '
              : problem.kind === 'nginx'
                ? 'nginx -t refused it (422): '
                : problem.kind === 'locked'
                  ? 'LOCKED (423): '
                  : 'FAILED: '}
            {problem.text}
          </Text>
          {detail.map((line, i) => (
            <Text key={i} color="red" wrap="truncate">
              {'  '}
              {line}
            </Text>
          ))}
          <Text color="yellow" wrap="truncate">
            {problem.hint ?? ''}
          </Text>
        </Box>
      ) : null}
      {lines.length === 0 ? <Text dimColor>No difference from the live file.</Text> : null}
      {lines.slice(first, first + height - header).map((line, i) => (
        <Text key={first + i} color={diffColor[line.kind]} wrap="truncate">
          {diffMark[line.kind]}
          {line.text}
        </Text>
      ))}
    </>
  );
}

import { Box, Text } from 'ink';
import type { IncidentCounts } from '../../src/core/incident-format.js';
import { linkLabel, linkMark, type LinkView } from '../state/link-label.js';
import { IncidentBadge } from './incident-badge.js';

export interface StatusBarProps {
  links: LinkView[];
  current: string;
  now: number;
  readonly: boolean;
  width: number;
  /** Each server's open incidents (the badge); none for a server not known or without alerts. */
  incidents?: Record<string, IncidentCounts | undefined> | undefined;
}

const markColor = { connected: 'green', connecting: 'yellow', reconnecting: 'red' } as const;

/** The top line: every server's connection (the current one in full) with its open incidents, and read-only mode. */
export function StatusBar({ links, current, now, readonly, width, incidents = {} }: StatusBarProps) {
  return (
    // One Text cut to the width (truncate): only the height needs keeping (no ANSI slicing across).
    <Box width={width} height={1} overflowY="hidden">
      <Text wrap="truncate">
        <Text inverse bold>
          {' '}
          hms{' '}
        </Text>
        {readonly ? (
          <Text color="yellow" bold>
            {' '}
            READ-ONLY{' '}
          </Text>
        ) : null}
        {links.map((link) => (
          <Text key={link.server}>
            {'  '}
            <Text color={markColor[link.status]}>{linkMark(link)}</Text>{' '}
            <Text bold={link.server === current} underline={link.server === current && links.length > 1}>
              {link.server}
            </Text>
            {link.server === current || link.status !== 'connected' ? <Text dimColor> {linkLabel(link, now)}</Text> : null}
            <IncidentBadge counts={incidents[link.server]} current={link.server === current} />
          </Text>
        ))}
      </Text>
    </Box>
  );
}

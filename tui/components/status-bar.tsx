import { Box, Text } from 'ink';
import { linkLabel, linkMark, type LinkView } from '../state/link-label.js';

export interface StatusBarProps {
  links: LinkView[];
  current: string;
  now: number;
  readonly: boolean;
  width: number;
}

const markColor = { connected: 'green', connecting: 'yellow', reconnecting: 'red' } as const;

/** The top line: every server's connection (the current one in full), and read-only mode. */
export function StatusBar({ links, current, now, readonly, width }: StatusBarProps) {
  return (
    <Box width={width} height={1} overflow="hidden">
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
          </Text>
        ))}
      </Text>
    </Box>
  );
}

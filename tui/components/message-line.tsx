import { Text } from 'ink';
import type { Notice } from '../hooks/use-notice.js';

const colors = { info: 'cyan', ok: 'green', warn: 'yellow', error: 'red' } as const;

/** The latest message (an action's outcome, an error and what to do next), one line. */
export function MessageLine({ notice }: { notice?: Notice | undefined }) {
  if (!notice) return <Text> </Text>;
  return (
    <Text wrap="truncate" color={colors[notice.level]}>
      {notice.text}
      {notice.hint ? <Text dimColor> {notice.hint}</Text> : null}
    </Text>
  );
}

import { Text } from 'ink';
import { badgeLevel, incidentsWord, type IncidentCounts } from '../../src/core/incident-format.js';

/** What the badge shows: its words, its colour (none: dim), and the muted ones apart. */
export interface BadgeParts {
  text: string;
  color?: 'red' | 'yellow' | undefined;
  muted?: string | undefined;
}

/**
 * A server's open incidents: red when one is critical, yellow for warnings only, a dim
 * "0 incidents" when none (for the current server only), the muted ones counted apart;
 * nothing while unknown (no answer yet, or an agent without /api/alerts).
 */
export function badgeParts(counts: IncidentCounts | undefined, current: boolean): BadgeParts | undefined {
  if (!counts) return undefined;
  const level = badgeLevel(counts);
  const muted = counts.muted > 0 ? `(+${counts.muted} muted)` : undefined;
  if (level === 'none') return current || muted ? { text: incidentsWord(0), muted } : undefined;
  return { text: `! ${incidentsWord(counts.open)}`, color: level === 'critical' ? 'red' : 'yellow', muted };
}

export function IncidentBadge({ counts, current }: { counts?: IncidentCounts | undefined; current: boolean }) {
  const parts = badgeParts(counts, current);
  if (!parts) return null;
  return (
    <Text>
      {' '}
      {parts.color ? <Text color={parts.color} bold inverse>{` ${parts.text} `}</Text> : <Text dimColor>{parts.text}</Text>}
      {parts.muted ? <Text dimColor>{` ${parts.muted}`}</Text> : null}
    </Text>
  );
}

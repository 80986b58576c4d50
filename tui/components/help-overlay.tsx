import { Box, Text } from 'ink';
import { keyLabel, type Binding } from '../state/keymap.js';

const SECTIONS: Array<{ title: string; screen: string }> = [
  { title: 'Everywhere', screen: 'all' },
  { title: 'Overview', screen: 'overview' },
  { title: 'Logs', screen: 'logs' },
  { title: 'Configs', screen: 'configs' },
  { title: 'Scripts', screen: 'scripts' },
];

/** `?`: every key, grouped by screen; what --readonly hides is left out, and it says so. */
export function HelpOverlay({ bindings, readonly, height }: { bindings: Binding[]; readonly: boolean; height: number }) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} height={height} overflow="hidden">
      <Text bold>Keys (Esc or ? closes)</Text>
      {SECTIONS.map(({ title, screen }) => {
        const rows = bindings.filter((b) => (screen === 'all' ? b.screens === 'all' : b.screens !== 'all' && b.screens.includes(screen as never)));
        if (rows.length === 0) return null;
        return (
          <Box key={screen} flexDirection="column">
            <Text color="cyan" bold>
              {title}
            </Text>
            {rows.map((b) => (
              <Text key={`${screen}-${b.keys.join()}-${b.label}`} wrap="truncate">
                {`  ${keyLabel(b.keys).padEnd(14)}`}
                <Text dimColor>{b.help}</Text>
              </Text>
            ))}
          </Box>
        );
      })}
      {readonly ? <Text color="yellow">Read-only session (--readonly): start, stop, restart, config edits and script runs are off.</Text> : null}
    </Box>
  );
}

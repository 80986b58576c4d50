import { Box, Text } from 'ink';
import type { Binding } from '../state/key-bindings.js';
import { keyLabel } from '../state/keymap.js';

/** The bottom line: the keys of the current screen, always. */
export function Footer({ bindings, width }: { bindings: Binding[]; width: number }) {
  return (
    // One Text cut to the width (truncate): only the height needs keeping (no ANSI slicing across).
    <Box width={width} height={1} overflowY="hidden">
      <Text wrap="truncate">
        {bindings.map((binding) => (
          <Text key={`${binding.keys.join()}-${binding.label}`}>
            <Text color="cyan" bold>
              {`<${keyLabel(binding.keys.slice(0, 1))}>`}
            </Text>
            <Text>{` ${binding.label}  `}</Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}

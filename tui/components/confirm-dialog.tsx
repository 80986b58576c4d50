import { Box, Text } from 'ink';

/** A y/n question before a destructive action; anything but y is no. */
export function ConfirmDialog({ question }: { question: string }) {
  return (
    <Box borderStyle="double" borderColor="yellow" paddingX={1} flexDirection="column">
      <Text bold>{question}</Text>
      <Text>
        <Text color="green" bold>
          y
        </Text>
        {' yes   '}
        <Text color="red" bold>
          n
        </Text>
        {' / Esc no'}
      </Text>
    </Box>
  );
}

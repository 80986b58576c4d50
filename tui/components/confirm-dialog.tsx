import { Box, Text } from 'ink';

/** Lines the dialog takes in `columns`: its border, the question as it wraps, the keys. */
export function confirmHeight(question: string, columns: number): number {
  return 3 + Math.max(1, Math.ceil(question.length / Math.max(1, columns - 4)));
}

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

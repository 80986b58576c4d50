import { Text } from 'ink';

/** A line being typed (`/` filter, `:` palette, script arguments), with a hint after it. */
export function PromptLine({
  prefix,
  text,
  hint,
  error,
}: {
  prefix: string;
  text: string;
  hint?: string | undefined;
  error?: string | undefined;
}) {
  return (
    <Text wrap="truncate">
      <Text color="cyan" bold>
        {prefix}
      </Text>
      {text}
      <Text inverse> </Text>
      {error ? <Text color="red"> {error}</Text> : hint ? <Text dimColor> {hint}</Text> : null}
    </Text>
  );
}

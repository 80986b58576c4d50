import { Box, Text } from 'ink';
import type { PaletteHints } from '../state/palette.js';
import { PromptLine } from './prompt-line.js';

/** `:` typed commands, with what could come next (Tab completes). */
export function CommandPalette({ text, hints, error }: { text: string; hints: PaletteHints; error?: string | undefined }) {
  return (
    <Box flexDirection="column">
      <PromptLine prefix=":" text={text} error={error} hint={hints.completion !== text ? `tab: ${hints.completion}` : undefined} />
      <Text wrap="truncate" dimColor>
        {hints.hints.length > 0
          ? hints.hints.join('  ')
          : 'overview  logs <app>  restart <app>  stop <app>  start <app>  deploys [app]  deploy <app>  ' +
            'run <script>  agent  server <name>  configs  scripts  audit  q'}
      </Text>
    </Box>
  );
}

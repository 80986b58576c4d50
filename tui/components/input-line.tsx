import type { Overlay } from '../state/ui-state.js';
import { PromptLine } from './prompt-line.js';

type Input = Extract<Overlay, { kind: 'input' }>;

const PROMPTS: Record<Exclude<Input['purpose'], 'palette'>, { prefix(input: Input): string; hint: string }> = {
  filter: { prefix: () => '/', hint: 'regex, !regex hides · Enter keeps · Esc restores' },
  args: { prefix: (input) => `${input.script} args: `, hint: 'space-separated · Enter runs · Esc cancels' },
  ref: {
    prefix: (input) => `deploy ${input.app} on ${input.server} at ref: `,
    hint: 'branch, tag or commit · Enter asks y/n · Esc cancels',
  },
  reason: {
    prefix: (input) => `lock deploys of ${input.app}, reason: `,
    hint: 'one line, shown to whoever deploys next · Enter locks · Esc cancels',
  },
  message: {
    prefix: (input) => `maintenance of ${input.app} on ${input.server}, message on the 503 page: `,
    hint: 'one line, or empty for the default · Enter asks y/N · Esc cancels',
  },
  duration: {
    prefix: (input) => `mute the alerts of ${input.target} on ${input.server} for: `,
    hint: '30m, 2h, 1d, 1h30m (empty: 2h) · Enter asks y/N · Esc cancels',
  },
};

/** The prompt being typed (not the palette): a filter, script arguments, a deploy's ref, a lock's reason. */
export function InputLine({ overlay, filterError }: { overlay: Input; filterError?: string | undefined }) {
  const prompt = PROMPTS[overlay.purpose === 'palette' ? 'filter' : overlay.purpose];
  return (
    <PromptLine
      prefix={prompt.prefix(overlay)}
      text={overlay.text}
      error={overlay.purpose === 'filter' ? filterError : overlay.error}
      hint={prompt.hint}
    />
  );
}

/**
 * The keys of the incidents screen: m mutes the selected incident's app (or its rule)
 * after asking how long (empty: 2h) and y/N, u lifts the mute that holds it back, t sends
 * a test to every channel after y/N. Pure, like intents.ts; --readonly refuses each
 * before anything is asked.
 */
import { parseMuteDuration } from '../../src/core/incident-format.js';
import { attempt, none, notify, refusal, ui, type Effect, type View } from './effects.js';
import type { Intent } from './key-intent.js';
import type { Overlay } from './ui-state.js';

type AlertIntent = Extract<Intent, { type: 'mute' | 'unmute' | 'alert-test' }>;

/** What an empty duration prompt means. */
export const DEFAULT_MUTE = '2h';

export function alertIntent(intent: AlertIntent, view: View): Effect[] {
  const server = view.ui.server;
  if (intent.type === 'alert-test') return attempt({ kind: 'alert-test', server }, view.readonly);
  const selected = view.selectedAlert;
  if (!selected) return [notify('info', `Nothing selected to ${intent.type}.`)];
  if (intent.type === 'unmute') {
    const muted = selected.muted;
    if (muted) return attempt({ kind: 'unmute', server, target: muted }, view.readonly);
    return (
      refusal({ kind: 'unmute', server, target: selected.target }, view.readonly) ?? [
        notify('info', `Nothing holds ${selected.target} back on ${server}: it is not muted.`),
      ]
    );
  }
  return (
    refusal({ kind: 'mute', server, target: selected.target, minutes: 1 }, view.readonly) ?? [
      ui({ type: 'overlay', overlay: { kind: 'input', purpose: 'duration', text: '', previous: '', server, target: selected.target } }),
    ]
  );
}

/** Enter on the duration prompt: `2h`, `30m`, `1d`, `1h30m` (empty: 2h), then y/N; a typo stays on the prompt, saying why. */
export function submitMuteDuration(overlay: Extract<Overlay, { kind: 'input' }>, view: View): Effect[] {
  const duration = parseMuteDuration(overlay.text.trim() || DEFAULT_MUTE);
  if (!duration.ok) return [ui({ type: 'overlay', overlay: { ...overlay, error: duration.error } })];
  const action = { kind: 'mute', server: overlay.server ?? view.ui.server, target: overlay.target!, minutes: duration.minutes } as const;
  return [none, ...attempt(action, view.readonly)];
}

/**
 * The overview's keys for one app beyond start and stop: c opens its Rails console (the
 * TUI steps aside meanwhile), M turns maintenance on (the 503 page's message asked
 * first, then y/N) or off (y/N). Pure, like intents.ts; --readonly refuses both before
 * anything is asked.
 */
import { maintenanceRequestSchema } from '../../src/api/apps.js';
import { attempt, none, notify, refusal, ui, type Effect, type View } from './effects.js';
import type { Intent } from './key-intent.js';
import type { Overlay } from './ui-state.js';

type AppIntent = Extract<Intent, { type: 'console' | 'maintenance' }>;

export function appIntent(intent: AppIntent, view: View): Effect[] {
  const unit = view.selectedUnit;
  if (!unit) return [];
  const { server, app } = unit;
  if (unit.kind !== 'app') {
    const what = intent.type === 'console' ? 'a Rails console' : 'a maintenance mode';
    return [notify('info', `${app} is not an app: only apps have ${what}.`)];
  }
  if (intent.type === 'console') return attempt({ kind: 'console', server, app }, view.readonly);
  if (unit.maintenance) return attempt({ kind: 'maintenance', server, app, on: false }, view.readonly);
  return (
    refusal({ kind: 'maintenance', server, app, on: true }, view.readonly) ?? [
      ui({ type: 'overlay', overlay: { kind: 'input', purpose: 'message', text: '', previous: '', app, server } }),
    ]
  );
}

/** Enter on the message prompt: empty keeps the default page; checked as the agent would, then y/N. */
export function submitMaintenanceMessage(overlay: Extract<Overlay, { kind: 'input' }>, view: View): Effect[] {
  const text = overlay.text.trim();
  const request = maintenanceRequestSchema.safeParse({ on: true, ...(text ? { message: text } : {}) });
  if (!request.success)
    return [ui({ type: 'overlay', overlay: { ...overlay, error: `the message ${request.error.issues[0]?.message ?? 'is not valid'}` } })];
  const action = { kind: 'maintenance', server: overlay.server ?? view.ui.server, app: overlay.app!, on: true } as const;
  return [none, ...attempt({ ...action, ...(request.data.message ? { message: request.data.message } : {}) }, view.readonly)];
}

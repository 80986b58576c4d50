/**
 * The keys of deploys and of the agent's self-update: deploy (a ref prompt, then
 * y/n), watch a deploy, roll back, lock (a reason prompt) and unlock an app; send
 * this hms's agent or restore a kept one. Pure, like intents.ts.
 */
import { gitRefSchema, reasonSchema } from '../../src/api/deploys.js';
import { attempt, none, notify, refusal, ui, type Effect, type View } from './effects.js';
import type { Intent } from './key-intent.js';
import type { PendingAction } from './guard.js';
import type { Overlay } from './ui-state.js';

type DeployIntent = Extract<
  Intent,
  { type: 'deploy' | 'watch' | 'rollback' | 'lock' | 'unlock' | 'cancel-deploy' | 'agent-update' | 'open' }
>;

/** The app a deploys key is about: the open one, else the selected one in the list. */
function focusedApp(view: View): string | undefined {
  return view.ui.deploy?.app ?? (view.ui.screen === 'deploys' && view.mode === 'list' ? view.selectedName : undefined);
}

export function deployIntent(intent: DeployIntent, view: View): Effect[] {
  const { ui: state } = view;
  const server = state.server;
  switch (intent.type) {
    case 'deploy':
      return state.screen === 'overview' ? deployFromOverview(view) : askRef(view, server, focusedApp(view));
    case 'watch': {
      const app = focusedApp(view);
      return app ? [ui({ type: 'open-deploy', focus: { app, view: 'run' } })] : [];
    }
    case 'open':
      if (state.screen === 'deploys' && view.mode === 'list' && view.selectedName)
        return [ui({ type: 'open-deploy', focus: { app: view.selectedName, view: 'releases' } })];
      if (state.screen === 'agent' && view.selectedName)
        return attempt({ kind: 'agent-restore', server, release: view.selectedName }, view.readonly);
      return [];
    case 'rollback': {
      const app = state.deploy?.app;
      if (!app || view.mode !== 'releases' || !view.selectedName) return [];
      return attempt({ kind: 'rollback', server, app, release: view.selectedName }, view.readonly);
    }
    case 'lock': {
      const app = state.deploy?.app;
      if (!app) return [];
      return (
        refusal({ kind: 'lock', server, app, reason: '' }, view.readonly) ?? [
          ui({ type: 'overlay', overlay: { kind: 'input', purpose: 'reason', text: '', previous: '', app, server } }),
        ]
      );
    }
    case 'unlock': {
      const app = state.deploy?.app;
      return app ? attempt({ kind: 'unlock', server, app }, view.readonly) : [];
    }
    case 'cancel-deploy':
      return [{ kind: 'cancel-deploy' }];
    case 'agent-update':
      return attempt({ kind: 'agent-update', server }, view.readonly);
  }
}

function deployFromOverview(view: View): Effect[] {
  const unit = view.selectedUnit;
  if (!unit) return [];
  if (unit.kind !== 'app')
    return [notify('info', `${unit.app} is not an app: only apps deploy. The agent updates itself on the agent screen (A).`)];
  return askRef(view, unit.server, unit.app);
}

/** The ref prompt, filled with the app's branch; read-only sessions are refused before it opens. */
function askRef(view: View, server: string, app: string | undefined): Effect[] {
  if (!app) return [];
  const defaults = view.deployDefaults?.(app) ?? { ref: 'main' };
  return (
    refusal({ kind: 'deploy', server, app, ref: defaults.ref }, view.readonly) ?? [
      ui({ type: 'overlay', overlay: { kind: 'input', purpose: 'ref', text: defaults.ref, previous: defaults.ref, app, server } }),
    ]
  );
}

/** Enter on the ref or reason prompt: checked here as the agent would, then on to y/n (deploy) or done (lock). */
export function submitDeployPrompt(overlay: Extract<Overlay, { kind: 'input' }>, view: View): Effect[] {
  const app = overlay.app!;
  const server = overlay.server ?? view.ui.server;
  if (overlay.purpose === 'reason') {
    const reason = reasonSchema.safeParse(overlay.text);
    if (!reason.success)
      return [ui({ type: 'overlay', overlay: { ...overlay, error: `the reason ${reason.error.issues[0]?.message ?? 'is not valid'}` } })];
    return [none, ...attempt({ kind: 'lock', server, app, reason: reason.data }, view.readonly)];
  }
  const ref = gitRefSchema.safeParse(overlay.text.trim());
  if (!ref.success)
    return [ui({ type: 'overlay', overlay: { ...overlay, error: `the ref ${ref.error.issues[0]?.message ?? 'is not valid'}` } })];
  const tests = view.deployDefaults?.(app).tests;
  return [none, ...attempt({ kind: 'deploy', server, app, ref: ref.data, ...(tests ? { tests } : {}) }, view.readonly)];
}

/**
 * After the app's tests failed on this laptop: `hms deploy --skip-tests` as a question
 * (anything but y is no); yes deploys with skipTests, which the audit log records.
 * A prompt or question already open is left alone: the status line says what happened.
 */
export function deployAnyway(action: Extract<PendingAction, { kind: 'deploy' }>, readonly: boolean, open: Overlay): Effect[] {
  if (open.kind !== 'none')
    return [
      notify('warn', `The tests of ${action.app} failed: nothing was deployed. Deploy again (d) to be asked whether to deploy anyway.`),
    ];
  return attempt({ ...action, skipTests: true }, readonly);
}

/**
 * What a key means right now, as effects: a change of what is shown (UiAction),
 * an action on a server (after --readonly and y/n have had their say), or one of
 * the few commands the hooks carry out. Pure: app.tsx runs the effects.
 */
import { alertIntent, submitMuteDuration } from './alert-intents.js';
import { appIntent, submitMaintenanceMessage } from './app-intents.js';
import { deployIntent, submitDeployPrompt } from './deploy-intents.js';
import { backupIntent, backupsOf } from './backup-intents.js';
import { attempt, none, notify, refusal, ui, type Effect, type View } from './effects.js';
import type { PendingAction } from './guard.js';
import type { Intent } from './key-intent.js';
import { paletteHints, parsePalette, type PaletteCommand } from './palette.js';
import { parseArgs } from './script-run.js';

export { attempt, type Effect, type View } from './effects.js';

export function planIntent(intent: Intent, view: View): Effect[] {
  const { ui: state } = view;
  const overlay = state.overlay;
  switch (intent.type) {
    case 'quit':
      return [{ kind: 'quit' }];
    case 'help':
      return [ui({ type: 'overlay', overlay: { kind: 'help' } })];
    case 'palette':
      return [ui({ type: 'overlay', overlay: { kind: 'input', purpose: 'palette', text: '', previous: '' } })];
    case 'filter':
      return [
        ui({
          type: 'overlay',
          overlay: { kind: 'input', purpose: 'filter', text: state.filters[state.screen], previous: state.filters[state.screen] },
        }),
      ];
    case 'back':
      return [ui({ type: 'back' })];
    case 'yes':
      return overlay.kind === 'confirm' ? [none, { kind: 'do', action: overlay.action }] : [];
    case 'no':
      return overlay.kind === 'confirm' ? [none, { kind: 'notify', level: 'info', text: 'Nothing done.' }] : [];
    case 'type':
      return overlay.kind === 'input' ? [ui({ type: 'type', text: intent.text })] : [];
    case 'erase':
      return overlay.kind === 'input' ? [ui({ type: 'erase' })] : [];
    case 'complete':
      return overlay.kind === 'input' && overlay.purpose === 'palette'
        ? [ui({ type: 'input', text: paletteHints(overlay.text, view.words).completion })]
        : [];
    case 'submit':
      return submit(view);
    case 'move':
      return move(view, intent.delta);
    case 'page':
      return move(view, intent.delta * view.pageSize);
    case 'top':
      return move(view, -Number.MAX_SAFE_INTEGER);
    case 'bottom':
      return state.screen === 'logs' ? [ui({ type: 'follow' })] : move(view, Number.MAX_SAFE_INTEGER);
    case 'refresh':
      return [{ kind: 'refresh' }];
    case 'open':
      if (state.screen === 'configs' && view.selectedName) return [ui({ type: 'open-site', name: view.selectedName })];
      if (state.screen === 'scripts' && view.selectedName) return runScript(view, view.selectedName);
      if (state.screen === 'schedules' && view.selectedName) return runSchedule(view, view.selectedName);
      if (state.screen === 'backups') return backupIntent(intent, view);
      return deployIntent(intent, view);
    case 'logs':
      return view.selectedUnit ? [ui({ type: 'open-logs', target: view.selectedUnit })] : [];
    case 'app-action':
      return view.selectedUnit
        ? attempt({ kind: 'app', action: intent.action, server: view.selectedUnit.server, app: view.selectedUnit.app }, view.readonly)
        : [];
    case 'console':
    case 'maintenance':
      return appIntent(intent, view);
    case 'pause':
      return [ui({ type: 'pause', total: view.logTotal })];
    case 'timestamps':
      return [ui({ type: 'timestamps' })];
    case 'clear':
      return [{ kind: 'clear-logs' }, ui({ type: 'follow' })];
    case 'edit': {
      const site = state.site ?? view.selectedName;
      if (!site) return [];
      return [
        ...(state.site ? [] : [ui({ type: 'open-site', name: site })]),
        ...attempt({ kind: 'edit-config', server: state.server, site }, view.readonly),
      ];
    }
    case 'apply':
      return state.site && view.mode === 'review'
        ? attempt({ kind: 'apply-config', server: state.server, site: state.site }, view.readonly)
        : [];
    case 'reload':
      return [{ kind: 'reload-site' }];
    case 'cancel-run':
      return [{ kind: 'cancel-run' }];
    case 'screen':
      return [ui({ type: 'navigate', screen: intent.screen })];
    case 'deploy':
    case 'watch':
    case 'rollback':
    case 'lock':
    case 'unlock':
    case 'cancel-deploy':
    case 'agent-update':
      return deployIntent(intent, view);
    case 'backups':
    case 'backup-now':
    case 'drill':
    case 'restore':
      return backupIntent(intent, view);
    case 'mute':
    case 'unmute':
    case 'alert-test':
      return alertIntent(intent, view);
  }
}

function move(view: View, delta: number): Effect[] {
  const { ui: state } = view;
  if (state.screen === 'logs') return [ui({ type: 'scroll-log', delta: -delta, total: view.logTotal })];
  if (view.mode === 'view' || view.mode === 'review')
    return [ui({ type: 'scroll', delta, max: Math.max(0, view.textLines - view.pageSize) })];
  // A script's output is scrolled up from its end.
  if (view.mode === 'run') return [ui({ type: 'scroll', delta: -delta, max: Math.max(0, view.textLines - view.pageSize) })];
  return [ui({ type: 'select', delta, count: view.count })];
}

function runScript(view: View, name: string): Effect[] {
  const action: PendingAction = { kind: 'run-script', server: view.ui.server, name, args: [] };
  return (
    refusal(action, view.readonly) ?? [
      ui({ type: 'overlay', overlay: { kind: 'input', purpose: 'args', text: '', previous: '', script: name } }),
    ]
  );
}

function submit(view: View): Effect[] {
  const { ui: state } = view;
  const overlay = state.overlay;
  if (overlay.kind !== 'input') return [];
  if (overlay.purpose === 'filter') return [none];
  if (overlay.purpose === 'args')
    return [
      none,
      ...attempt({ kind: 'run-script', server: state.server, name: overlay.script!, args: parseArgs(overlay.text) }, view.readonly),
    ];
  if (overlay.purpose === 'ref' || overlay.purpose === 'reason') return submitDeployPrompt(overlay, view);
  if (overlay.purpose === 'message') return submitMaintenanceMessage(overlay, view);
  if (overlay.purpose === 'duration') return submitMuteDuration(overlay, view);
  const parsed = parsePalette(overlay.text, view.words);
  if (!parsed.ok) return [ui({ type: 'overlay', overlay: { ...overlay, error: parsed.error } })];
  return [none, ...paletteEffects(parsed.command, view)];
}

function paletteEffects(command: PaletteCommand, view: View): Effect[] {
  const server = view.ui.server;
  switch (command.kind) {
    case 'screen':
      return [ui({ type: 'navigate', screen: command.screen })];
    case 'logs': {
      if (!command.app)
        return view.selectedUnit ? [ui({ type: 'open-logs', target: view.selectedUnit })] : [ui({ type: 'navigate', screen: 'logs' })];
      return [ui({ type: 'open-logs', target: { server, app: command.app, kind: view.kindOf(server, command.app) ?? 'app' } })];
    }
    case 'app-action':
      return attempt({ kind: 'app', action: command.action, server, app: command.app }, view.readonly);
    case 'server':
      return [
        ui({ type: 'server', name: command.name }),
        {
          kind: 'notify',
          level: 'info',
          text: `Now on ${command.name}: logs, configs, scripts, deploys, the agent, audit and : actions are about it.`,
        },
      ];
    case 'deploys':
    case 'deploy':
      if (view.kindOf(server, command.app) !== 'app')
        return [notify('warn', `${command.app} on ${server} is not an app: only apps deploy.`)];
      if (command.kind === 'deploys') return [ui({ type: 'open-deploy', focus: { app: command.app, view: 'releases' } })];
      return [
        ui({ type: 'open-deploy', focus: { app: command.app, view: 'releases' } }),
        ...deployIntent(
          { type: 'deploy' },
          { ...view, ui: { ...view.ui, screen: 'deploys', deploy: { app: command.app, view: 'releases' } } },
        ),
      ];
    case 'backups':
      return backupsOf(view, server, command.app);
    case 'run-script':
      return [ui({ type: 'navigate', screen: 'scripts' }), ...runScript(view, command.script)];
    case 'help':
      return [ui({ type: 'overlay', overlay: { kind: 'help' } })];
    case 'quit':
      return [{ kind: 'quit' }];
  }
}

/** The schedules screen's selected row ("<app> <name>": names never hold a space) run now, asked first. */
function runSchedule(view: View, selected: string): Effect[] {
  const [app, name] = selected.split(' ') as [string, string];
  return attempt({ kind: 'run-schedule', server: view.ui.server, app, name }, view.readonly);
}

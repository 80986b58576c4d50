/**
 * The keys of the backups screen: B opens it on the selected app (or the apps with
 * a database), enter opens an app's snapshots, b backs up now, t runs a restore
 * drill, R restores the selected snapshot after y/N. Pure, like intents.ts.
 */
import { attempt, notify, ui, type Effect, type View } from './effects.js';
import type { Intent } from './key-intent.js';

type BackupIntent = Extract<Intent, { type: 'backups' | 'backup-now' | 'drill' | 'restore' | 'open' }>;

/** The app a backups key is about: the open one, else the one selected in the list of apps. */
function focusedApp(view: View): string | undefined {
  return view.ui.backups ?? (view.ui.screen === 'backups' && view.mode === 'list' ? view.selectedName : undefined);
}

/** An app's snapshots on `server`, when it has a database; the current server changes to it first. */
export function backupsOf(view: View, server: string, app: string): Effect[] {
  if (view.hasDatabase && !view.hasDatabase(server, app))
    return [
      notify('warn', `${app} on ${server} has no database to back up yet (PostgreSQL, or a deployed SQLite file: apps.${app}.database).`),
    ];
  return [...(server === view.ui.server ? [] : [ui({ type: 'server', name: server })]), ui({ type: 'open-backups', app })];
}

export function backupIntent(intent: BackupIntent, view: View): Effect[] {
  const { ui: state } = view;
  const server = state.server;
  switch (intent.type) {
    case 'backups': {
      const unit = state.screen === 'overview' ? view.selectedUnit : undefined;
      if (unit && unit.kind === 'app' && view.hasDatabase?.(unit.server, unit.app) !== false) return backupsOf(view, unit.server, unit.app);
      return [ui({ type: 'navigate', screen: 'backups' })];
    }
    case 'open':
      return view.mode === 'list' && view.selectedName ? [ui({ type: 'open-backups', app: view.selectedName })] : [];
    case 'backup-now':
    case 'drill': {
      const app = focusedApp(view);
      return app ? attempt({ kind: intent.type === 'drill' ? 'drill' : 'backup', server, app }, view.readonly) : [];
    }
    case 'restore': {
      const app = state.backups;
      if (!app || view.mode !== 'snapshots' || !view.selectedName) return [];
      return attempt({ kind: 'restore', server, app, snapshot: view.selectedName }, view.readonly);
    }
  }
}

import type { AppAction } from '../../api/apps.js';
import type { CommandHelp } from '../../core/command-help.js';

/** The actions that ask first, and the verb they ask with. */
export const CONFIRM: Partial<Record<AppAction, string>> = { stop: 'Stop', restart: 'Restart' };

function actionHelp(action: AppAction, summary: string): CommandHelp {
  return {
    name: action,
    summary,
    usage: [`hms ${action} <app>`],
    flags: CONFIRM[action] ? [['--yes, -y', 'do not ask first (needed where there is no terminal)']] : [],
    examples: [`hms ${action} cigar`, CONFIRM[action] ? `hms ${action} cigar --yes --server prod` : `hms ${action} nginx`],
  };
}

export const actionHelps = {
  start: actionHelp('start', 'Start an app (or nginx)'),
  stop: actionHelp('stop', 'Stop an app (asks first; --yes in scripts)'),
  restart: actionHelp('restart', 'Restart an app (asks first; --yes in scripts)'),
  reload: actionHelp('reload', "Reload: puma's phased restart, nginx's config reload"),
} satisfies Partial<Record<AppAction, CommandHelp>>;

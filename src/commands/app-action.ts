import type { AppAction } from '../api/apps.js';
import { UsageError } from '../core/errors.js';
import type { Command } from './command.js';
import { connect } from '../client/connect.js';

const CONFIRM: Partial<Record<AppAction, string>> = { stop: 'Stop', restart: 'Restart' };

function actionCommand(action: AppAction, summary: string): Command {
  return {
    name: action,
    summary,
    usage: [`hms ${action} <app>`],
    flags: CONFIRM[action] ? [['--yes, -y', 'do not ask first (needed where there is no terminal)']] : [],
    examples: [`hms ${action} cigar`, CONFIRM[action] ? `hms ${action} cigar --yes --server prod` : `hms ${action} nginx`],
    async run(context) {
      const name = context.args[0];
      if (!name) throw new UsageError(`Which app? \`hms ${action} <app>\`.`, 'Run `hms status` to see the names.');
      const connected = await connect(context);
      try {
        const verb = CONFIRM[action];
        if (verb && !(await context.confirm(`${verb} ${name} on ${connected.name}?`))) {
          return { data: { action, app: name, done: false }, human: 'Nothing done.', exitCode: 1 };
        }
        const result = await connected.client.appAction(name, action);
        const state = result.app.state;
        const human =
          `${action} ${name} on ${connected.name}: ${state.activeState}/${state.subState}` +
          `${state.mainPid ? ` (pid ${state.mainPid})` : ''}${result.settled ? '' : ' — still changing'}\n${result.message}`;
        return { data: result, human };
      } finally {
        await connected.close();
      }
    },
  };
}

export const actionCommands: Command[] = [
  actionCommand('start', 'Start an app (or nginx)'),
  actionCommand('stop', 'Stop an app (asks first; --yes in scripts)'),
  actionCommand('restart', 'Restart an app (asks first; --yes in scripts)'),
  actionCommand('reload', "Reload: puma's phased restart, nginx's config reload"),
];

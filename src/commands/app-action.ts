import { UsageError } from '../core/errors.js';
import type { Command } from './command.js';
import { actionHelps, CONFIRM } from './help/index.js';
import { connect } from '../client/connect.js';

function actionCommand(action: keyof typeof actionHelps): Command {
  return {
    ...actionHelps[action],
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

export const actionCommands: Command[] = (['start', 'stop', 'restart', 'reload'] as const).map(actionCommand);

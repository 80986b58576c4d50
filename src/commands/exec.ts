/**
 * `hms exec <app> -- <argv...>`: one command in the app's current release on its server,
 * as the deploy user with the app's environment (database, secrets), output as it comes;
 * hms exits with the command's code. `--json` answers once with the output and the code.
 */
import type { ScriptExit } from '../api/scripts.js';
import { execJson, execStream } from '../client/exec-client.js';
import { UsageError } from '../core/errors.js';
import { withApp } from './app-command.js';
import type { Command, CommandContext, CommandOutput } from './command.js';
import { EXEC_USAGE, execHelp } from './help/index.js';
import { liveOutput } from './logs.js';
import { INTERRUPTED, printOutput } from './run.js';

export const execCommand: Command = {
  ...execHelp,
  run: (context) => {
    const [, ...argv] = context.args;
    if (context.args[0] && argv.length === 0) throw new UsageError('Which command? Give it after --.', `\`${EXEC_USAGE}\``);
    if (context.flags.readonly) throw new UsageError('--readonly: no command is run.', 'Run it without --readonly.');
    return withApp(context, EXEC_USAGE, async (app, connected) => {
      const request = { argv };
      if (context.flags.json) {
        const result = await execJson(connected.client, app, request);
        return { data: result, human: result.stdout, exitCode: exitCode(result, context) };
      }
      const output = liveOutput(context);
      return streamed(context, execStream(connected.client, app, request, output.signal), output);
    });
  },
};

async function streamed(
  context: CommandContext,
  chunks: ReturnType<typeof execStream>,
  output: ReturnType<typeof liveOutput>,
): Promise<CommandOutput> {
  const exit = await printOutput(chunks, output);
  if (!exit) {
    context.note('hms: stopped; the agent ends the command when hms goes away.');
    return { data: undefined, human: '', exitCode: INTERRUPTED };
  }
  return { data: exit, human: '', exitCode: exitCode(exit, context) };
}

/** The command's own code; 128 + the signal's number when it was killed (as shells say), 124 when it ran out of time. */
function exitCode(exit: ScriptExit, context: Pick<CommandContext, 'note'>): number {
  if (exit.code !== null) return exit.code;
  context.note(`hms: the command was killed by ${exit.signal ?? 'a signal'}${exit.timedOut ? ' when it ran out of time' : ''}.`);
  return exit.timedOut ? 124 : 137;
}

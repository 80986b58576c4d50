import type { ScriptExit, ScriptList } from '../api/scripts.js';
import { listScripts, runScriptJson, runScriptStream, type ScriptOutput } from '../client/scripts-client.js';
import type { Command, CommandContext, CommandOutput } from './command.js';
import { runHelp } from './help/index.js';
import { connect, type Connected } from '../client/connect.js';
import { type LiveOutput, liveOutput, write } from './logs.js';
import { table } from '../core/table.js';

/** What hms exits with when Ctrl-C stopped the run (128 + SIGINT, as shells do). */
export const INTERRUPTED = 130;

export const runCommand: Command = {
  ...runHelp,
  async run(context) {
    const [name, ...args] = context.args;
    const connected = await connect(context);
    try {
      if (!name) return listing(await listScripts(connected.client));
      if (context.flags.json) {
        const result = await runScriptJson(connected.client, name, { args });
        return { data: result, human: result.stdout, exitCode: exitCodeOf(result, context) };
      }
      return await streamRun(context, connected, name, args);
    } finally {
      await connected.close();
    }
  },
};

async function streamRun(context: CommandContext, connected: Connected, name: string, args: string[]): Promise<CommandOutput> {
  const live = liveOutput(context);
  const exit = await printOutput(runScriptStream(connected.client, name, { args }, live.signal), live);
  if (!exit) {
    context.note(`hms: stopped; the agent on ${connected.name} ends ${name} when hms goes away.`);
    return { data: undefined, human: '', exitCode: INTERRUPTED };
  }
  return { data: exit, human: '', exitCode: exitCodeOf(exit, context) };
}

/** A streamed run's output written as it comes (stdout, stderr); its exit, or undefined when Ctrl-C stopped it. */
export async function printOutput(chunks: AsyncIterable<ScriptOutput>, live: LiveOutput): Promise<ScriptExit | undefined> {
  let exit: ScriptExit | undefined;
  try {
    for await (const output of chunks) {
      if (output.kind === 'exit') exit = output.exit;
      else await write(output.kind === 'stdout' ? live.stdout : live.stderr, output.text, live.signal);
    }
  } catch (error) {
    if (!live.signal.aborted) throw error;
  } finally {
    live.done();
  }
  return exit;
}

/** The script's own exit code; 3 (UNKNOWN) when it was killed and has none. */
export function exitCodeOf(exit: ScriptExit, context: Pick<CommandContext, 'note'>): number {
  if (exit.code !== null) return exit.code;
  context.note(
    `hms: the script was killed by ${exit.signal ?? 'a signal'}${exit.timedOut ? ' when it ran out of time' : ''}; exiting 3 (UNKNOWN).`,
  );
  return 3;
}

function listing(list: ScriptList): CommandOutput {
  const rows = list.scripts.map((script) => [script.name, script.description.split('\n')[0] ?? '']);
  return { data: list, human: table(['SCRIPT', 'WHAT IT DOES'], rows) };
}

import { stopHolders } from '../client/holders.js';
import { UsageError } from '../core/errors.js';
import type { Command } from './command.js';
import { disconnectHelp } from './help/disconnect.js';

export const disconnectCommand: Command = {
  ...disconnectHelp,
  async run(context) {
    const server = context.args[0] ?? context.flags.server;
    if (context.args.length > 1) throw new UsageError('hms disconnect takes at most one server name.');
    // No config needed: the holders are found in the runtime folder, by their socket names.
    const sweep = await stopHolders(context.env, server);
    for (const problem of sweep.refused) context.note(`hms: left alone: ${problem}`);
    const lines = sweep.stopped.map(
      (holder) =>
        `${holder.state === 'stopped' ? 'Stopped' : 'Removed the socket of a dead holder of'} ${holder.server}` +
        (holder.pid ? ` (pid ${holder.pid})` : ''),
    );
    const none = server ? `No holder of ${server} was running.` : 'No holder was running.';
    return { data: { runtimeDir: sweep.runtimeDir, holders: sweep.stopped }, human: lines.length > 0 ? lines.join('\n') : none };
  },
};

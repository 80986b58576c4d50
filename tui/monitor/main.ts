import type { CommandContext } from '../../src/commands/command.js';

/** Opens the chart dashboard (`hms monitor`). Resolves with the exit code when it closes. */
export async function runMonitor(_context: CommandContext): Promise<number> {
  process.stderr.write('hms monitor is not available in this version yet.\n');
  return 1;
}

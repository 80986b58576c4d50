import type { CommandContext } from '../src/commands/command.js';

/** Opens the full-screen control center. Resolves with the exit code when it closes. */
export async function runTui(_context: CommandContext): Promise<number> {
  process.stderr.write('The full-screen control center is not available in this version yet.\n');
  return 1;
}

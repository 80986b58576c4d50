import type { Command } from './command.js';
import { secretsCommand } from './secrets.js';
import { trustCommand } from './trust.js';

/** Every one-shot command, in the order the help lists them. */
export const commands: Command[] = [trustCommand, secretsCommand];

export function findCommand(name: string): Command | undefined {
  return commands.find((command) => command.name === name);
}

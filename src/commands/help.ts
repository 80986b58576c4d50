/**
 * `hms help <command>`, `hms <command> --help`, `hms <command> -h`: one command's
 * help, rendered from the data kept next to it. Printing help never runs anything.
 */
import { UsageError } from '../core/errors.js';
import type { CommandHelp } from './command.js';

/** The flags every command understands; `hms --help` explains them. */
const GLOBAL_FLAGS = '--config, --secrets, --server, --via, --local, --json, --yes, --verbose';

/** Where `--help` and `-h` count: before `--`; after it, arguments belong to a script. */
export function ownArguments(argv: string[]): string[] {
  const end = argv.indexOf('--');
  return end === -1 ? argv : argv.slice(0, end);
}

export function isHelpFlag(arg: string): boolean {
  return arg === '--help' || arg === '-h';
}

/** The topic a help request names, or a usage error naming the ones there are. */
export function findTopic(topics: CommandHelp[], name: string): CommandHelp {
  const topic = topics.find((t) => t.name === name);
  if (!topic) throw unknownCommand(topics, name);
  return topic;
}

export function unknownCommand(topics: CommandHelp[], name: string): UsageError {
  return new UsageError(`Unknown command "${name}".`, `Commands: ${topics.map((t) => t.name).join(', ')}. Run \`hms --help\`.`);
}

/** The help of one command, in the layout of `hms --help`. */
export function renderHelp(topic: CommandHelp): string {
  const width = Math.max(0, ...topic.flags.map(([flag]) => flag.length)) + 2;
  const flags = topic.flags.map(([flag, meaning]) => `    ${flag.padEnd(width)} ${meaning}`);
  return [
    '',
    `  ${topic.summary}`,
    '',
    '  Usage',
    // Continuation lines are aligned under the words after `hms`; `$ ` moves those.
    ...topic.usage.map((line) => (line.startsWith('hms') ? `    $ ${line}` : `      ${line}`)),
    '',
    '  Flags',
    ...(flags.length > 0 ? flags : ['    none of its own']),
    `    Global flags (${GLOBAL_FLAGS}): see \`hms --help\`.`,
    '',
    '  Examples',
    ...topic.examples.map((example) => `    $ ${example}`),
    '',
  ].join('\n');
}

/** What `hms help <command>` prints: data kept next to the command, rendered by src/commands/help.ts and the monitor's help. */
export interface CommandHelp {
  name: string;
  summary: string;
  /** One line per form of the command. */
  usage: string[];
  /** The flags this command reads, as `[flag, meaning]`; the global ones are in `hms --help`. */
  flags: Array<[flag: string, meaning: string]>;
  /** Whole command lines, ready to copy. */
  examples: string[];
}

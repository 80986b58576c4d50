import type { Config } from '../config/schema.js';
import type { CommandHelp } from '../core/command-help.js';

export type { CommandHelp };

/** The flags every command understands (parsed once in src/cli.ts). */
export interface GlobalFlags {
  config?: string | undefined;
  secrets?: string | undefined;
  server?: string | undefined;
  json: boolean;
  yes: boolean;
  verbose: boolean;
  rotate?: string | undefined;
  /** ssh (default) or https */
  via?: string | undefined;
  all?: boolean;
  local?: boolean;
  /** false with --no-persist: connect directly, no connection holder. */
  persist?: boolean;
  follow?: boolean;
  lines?: number | undefined;
  grep?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  priority?: string | undefined;
  tokenStdin?: boolean;
  // hms init
  host?: string | undefined;
  name?: string | undefined;
  user?: string | undefined;
  port?: number | undefined;
  identityFile?: string | undefined;
  publicUrl?: string | undefined;
  app?: string | undefined;
  domain?: string | undefined;
  repo?: string | undefined;
  branch?: string | undefined;
  force?: boolean;
  dryRun?: boolean;
  /** update-hosting-api */
  release?: string | undefined;
  from?: string | undefined;
  list?: boolean;
  printLog?: boolean;
  /** TUI: hide and refuse destructive actions. */
  readonly?: boolean;
  // hms deploy / rollback / lock
  ref?: string | undefined;
  skipTests?: boolean;
  reason?: string | undefined;
  /** `hms maintenance on`: what the app's 503 page says. */
  message?: string | undefined;
  /** hms backup: a restore drill of the new backup */
  drill?: boolean;
  /** hms backups: the offsite repository's snapshots; fetch one of them into the server's own repository */
  offsite?: boolean;
  fetch?: string | undefined;
  /** hms rollback: restore the pre-migration backup of the current release first */
  restoreDatabase?: boolean;
  /** hms alerts mute: how long (30m, 2h, 1d) */
  for?: string | undefined;
  /** hms certs install */
  cert?: string | undefined;
  key?: string | undefined;
}

export interface CommandContext {
  /** Positional arguments after the command name. */
  args: string[];
  flags: GlobalFlags;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The built connection holder (dist/hms-holder.mjs), when it is next to the running hms; see ClientContext. */
  holderEntry?: string | undefined;
  /** The configuration, or undefined when none exists (the embedded default). */
  loadConfig(): Promise<Config | undefined>;
  /** Asks for a value on the terminal; undefined where there is no terminal. */
  ask?(question: string): Promise<string | undefined>;
  /** Asks a yes/no question on the terminal; `--yes` answers yes. */
  confirm(question: string): Promise<boolean>;
  /** Progress and notes for people; goes to stderr so --json stays clean. */
  note(text: string): void;
}

/** What a command returns: data for --json, and the same as text for people. */
export interface CommandOutput {
  data: unknown;
  human: string;
  exitCode?: number;
}

export interface Command extends CommandHelp {
  run(context: CommandContext): Promise<CommandOutput>;
}

/**
 * What the hooks share for one run of the control center, built by main.tsx:
 * the connections, the terminal to lend to an editor, counters, and the edited
 * config copies that are not applied yet (named on exit, never deleted unapplied),
 * and the configured apps.
 */
import type { Config } from '../src/config/schema.js';
import type { ServerConnections } from './connections.js';
import type { TuiStats } from './stats.js';

export interface TerminalLender {
  /** The terminal itself, for what borrows it (a console wires its keys and screen to them). */
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  suspend<T>(task: () => Promise<T>): Promise<T>;
  /** Like suspend, with the keys still read here: `task` passes them on (a console). */
  handOver<T>(task: () => Promise<T>): Promise<T>;
}

export interface TuiSession {
  connections: Pick<ServerConnections, 'get' | 'plan'> & Partial<Pick<ServerConnections, 'firstApps' | 'arrivedApps'>>;
  terminal: TerminalLender;
  stats: TuiStats;
  readonly: boolean;
  /** Files of edited copies not applied yet. */
  keptEdits: Set<string>;
  env: NodeJS.ProcessEnv;
  /** The apps of hms.config.json: a deploy's default ref, and the test gate the laptop runs before a deploy. */
  apps?: Config['apps'] | undefined;
}

/**
 * `hms logs <source> --all [-f]`: the same log on every configured server at once, each
 * line prefixed by its server (`--json`: a `server` field). Each server is reached and
 * followed on its own: one that cannot be reached (within connection.reachSeconds) or
 * refuses the source is reported once on stderr, and the others go on; a dropped
 * follow reconnects by the one retry policy, per server.
 */
import type { LogLine } from '../api/logs.js';
import type { ApiClient } from '../client/api-client.js';
import { connectServer, type Connected } from '../client/connect.js';
import { followStateText, gapText, type FollowState } from '../client/follow-state.js';
import { followLog, readLog, type LogFollowOptions, type LogReadOptions } from '../client/logs-client.js';
import { reachSeconds, reachWithin } from '../client/reach.js';
import type { Config } from '../config/schema.js';
import { HmsError } from '../core/errors.js';
import { formatLine } from '../core/log-lines.js';
import { serverPrefixes } from '../core/server-prefix.js';
import type { CommandContext, CommandOutput } from './command.js';
import { liveOutput, write, type LiveContext } from './live-output.js';

interface Fleet {
  names: string[];
  /** What each server's lines start with. */
  prefix: Record<string, string>;
  /**
   * The server's client, one connection per server for the whole command (its SSH pool reopens a dropped
   * tunnel); `wait` holds the first one to the --all wait, so a server that drops packets is left out soon.
   */
  reach(server: string, wait: boolean): Promise<ApiClient>;
  closeAll(): Promise<void>;
}

function fleetOf(context: CommandContext, config: Config, stdout: { isTTY?: boolean }): Fleet {
  const names = Object.keys(config.servers);
  const open = new Map<string, Promise<Connected>>();
  const seconds = reachSeconds(config);
  const color = !context.flags.json && !context.env.NO_COLOR && (Boolean(context.env.FORCE_COLOR) || Boolean(stdout.isTTY));
  return {
    names,
    prefix: serverPrefixes(names, color),
    async reach(server, wait) {
      let opening = open.get(server);
      if (!opening) open.set(server, (opening = connectServer(context, config, server)));
      const connected = await opening;
      if (wait) await reachWithin(connected, seconds);
      return connected.client;
    },
    // A handshake still under way ends by its own timeout: not awaited.
    closeAll: async () => void Promise.allSettled([...open.values()].map((opening) => opening.then((connected) => connected.close()))),
  };
}

/** Why a server is left out, said once: the message, and its hint when it has one. */
function failureText(server: string, error: unknown): string {
  const e = error as Error & { hint?: string };
  return `hms: ${server}: ${e.message}${e.hint ? `\n  ${e.hint}` : ''}`;
}

function allFailed(source: string, count: number): HmsError {
  return new HmsError(`No server gave ${source} (${count} tried): each one's reason is above.`, {
    hint: 'Check the servers named above, or read one with `hms logs <source> --server NAME`.',
  });
}

/** Follows `source` on every server until Ctrl-C; exit 1 when some server could not be followed. */
export async function followAll(
  context: CommandContext,
  config: Config,
  source: string,
  options: LogFollowOptions,
): Promise<CommandOutput> {
  const live = liveOutput(context);
  const fleet = fleetOf(context, config, live.stdout);
  const say = (server: string, text: string | undefined): void => {
    if (text !== undefined) context.note(`hms: ${server}: ${text}`);
  };
  const line = (server: string, logLine: LogLine): string =>
    context.flags.json ? JSON.stringify({ server, ...logLine }) : `${fleet.prefix[server]} ${formatLine(logLine)}`;
  const follow = async (server: string): Promise<boolean> => {
    let first = true;
    // The first connection is held to the --all wait; reconnects after a drop follow the one retry policy.
    const reach = () => {
      const wait = first;
      first = false;
      return fleet.reach(server, wait);
    };
    try {
      const onState = (state: FollowState): void => say(server, followStateText(state));
      for await (const event of followLog(reach, source, { ...options, signal: live.signal, onState })) {
        if (event.kind === 'dropped') say(server, `${event.count} lines skipped: they came faster than they were read`);
        else if (event.kind === 'gap') say(server, gapText(event.backlog));
        else await write(live.stdout, `${line(server, event.line)}\n`, live.signal);
      }
      return true;
    } catch (error) {
      if (!live.signal.aborted) context.note(failureText(server, error));
      return false;
    }
  };
  try {
    const followed = await Promise.all(fleet.names.map(follow));
    if (followed.every((ok) => !ok)) throw allFailed(source, fleet.names.length);
    return { data: undefined, human: '', exitCode: followed.every(Boolean) ? 0 : 1 };
  } finally {
    live.done();
    await fleet.closeAll();
  }
}

/** The newest lines of `source` on every server, read concurrently and printed server by server. */
export async function readAll(context: CommandContext, config: Config, source: string, options: LogReadOptions): Promise<CommandOutput> {
  const fleet = fleetOf(context, config, (context as LiveContext).stdout ?? process.stdout);
  try {
    const results = await Promise.all(
      fleet.names.map(async (server) => {
        try {
          return { server, lines: (await readLog(await fleet.reach(server, true), source, options)).lines };
        } catch (error) {
          context.note(failureText(server, error));
          return { server, lines: undefined };
        }
      }),
    );
    if (results.every((r) => !r.lines)) throw allFailed(source, fleet.names.length);
    const lines = results.flatMap((r) => (r.lines ?? []).map((logLine) => ({ server: r.server, ...logLine })));
    return {
      data: results.map((r) => ({ server: r.server, ok: Boolean(r.lines), lines: r.lines ?? [] })),
      human: lines.map(({ server, ...logLine }) => `${fleet.prefix[server]} ${formatLine(logLine)}`).join('\n'),
      exitCode: results.every((r) => r.lines) ? 0 : 1,
    };
  } finally {
    await fleet.closeAll();
  }
}

import { MAX_LINES, type LogLine, type LogLinesResponse, type LogSourcesResponse } from '../api/logs.js';
import type { ApiClient } from '../client/api-client.js';
import { followStateText, gapText, type FollowState } from '../client/follow-state.js';
import { followLogBatches, listLogSources, readLog, type LogFollowOptions } from '../client/logs-client.js';
import { UsageError } from '../core/errors.js';
import { formatLine, sourceName } from '../core/log-lines.js';
import { parseTimeSpec, TIME_SPEC_FORMS } from '../core/time-spec.js';
import type { Command, CommandContext, CommandOutput } from './command.js';
import { logsHelp } from './help/index.js';
import { connect } from '../client/connect.js';
import { formatBytes } from '../core/format.js';
import { table } from '../core/table.js';
import { workersOf } from '../config/app-extras.js';
import type { Config } from '../config/schema.js';

/** Backlog before new lines with -f, as `tail -f` shows. */
export const FOLLOW_BACKLOG = 10;

import { liveOutput, write } from './live-output.js';
import { followAll, readAll } from './logs-all.js';

export { liveOutput, write, type LiveContext, type LiveOutput } from './live-output.js';

export const logsCommand: Command = {
  ...logsHelp,
  async run(context) {
    const { args, flags } = context;
    if (args.length > 1) throw new UsageError(`One log at a time: got ${args.join(', ')}.`, 'Run `hms logs` to list the sources.');
    if (flags.follow && (flags.since || flags.until)) {
      throw new UsageError('--since and --until do not go with -f: a follow starts now.', 'Drop them, or drop -f to read a time window.');
    }
    const window = { since: timeFlag('since', flags.since), until: timeFlag('until', flags.until) };
    if (flags.all) return everyServer(context, window);
    const connected = await connect(context);
    try {
      if (!args[0]) return listing(await listLogSources(connected.client));
      const source = sourceName(args[0], journalNames(await context.loadConfig()));
      const filters = { grep: flags.grep, priority: flags.priority };
      if (flags.follow) return await follow(context, connected.client, source, { ...filters, lines: flags.lines ?? FOLLOW_BACKLOG });
      const read = await readLog(connected.client, source, { ...filters, lines: flags.lines, since: window.since, until: window.until });
      if (read.lines.length === 0) context.note(`No lines in ${source} for this request.`);
      else if (read.truncated) context.note(`Older lines exist: raise -n (up to ${MAX_LINES}) to see more.`);
      return reading(read);
    } finally {
      await connected.close();
    }
  },
};

/**
 * Streams lines until Ctrl-C (exit 0), each batch the agent sends in one write; a dropped connection is
 * picked up again by followLogBatches, and its news goes to stderr. A follow that cannot start, or ends for
 * good, throws: that is the command's error.
 */
async function follow(context: CommandContext, client: ApiClient, source: string, options: LogFollowOptions): Promise<CommandOutput> {
  const live = liveOutput(context);
  const say = (text: string | undefined): void => {
    if (text !== undefined) context.note(`hms: ${text}`);
  };
  try {
    const onState = (state: FollowState): void => say(followStateText(state));
    const shown = context.flags.json ? (line: LogLine) => JSON.stringify(line) : formatLine;
    for await (const event of followLogBatches(client, source, { ...options, signal: live.signal, onState })) {
      if (event.kind === 'dropped') say(`${event.count} lines skipped: they came faster than they were read`);
      else if (event.kind === 'gap') say(gapText(event.backlog));
      else if (event.lines.length > 0) await write(live.stdout, `${event.lines.map(shown).join('\n')}\n`, live.signal);
    }
  } finally {
    live.done();
  }
  return { data: undefined, human: '' };
}

/** `--all`: one named log on every configured server (logs-all.ts). */
async function everyServer(
  context: CommandContext,
  window: { since?: string | undefined; until?: string | undefined },
): Promise<CommandOutput> {
  const { args, flags } = context;
  const config = await context.loadConfig();
  if (flags.local || !config || Object.keys(config.servers).length === 0)
    throw new UsageError('--all needs servers in hms.config.json.', 'Add servers (`hms init`), or drop --all to read this machine.');
  if (!args[0]) throw new UsageError('--all follows one log on every server: name it.', 'For example `hms logs nginx:access --all -f`.');
  const source = sourceName(args[0], journalNames(config));
  const filters = { grep: flags.grep, priority: flags.priority };
  if (flags.follow) return followAll(context, config, source, { ...filters, lines: flags.lines ?? FOLLOW_BACKLOG });
  return readAll(context, config, source, { ...filters, lines: flags.lines, ...window });
}

/** `--since 10m` as the absolute time the agent is sent (resolved here: the laptop's clock and time zone are the user's). */
function timeFlag(name: 'since' | 'until', value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = parseTimeSpec(value, new Date());
  if (!date) throw new UsageError(`--${name} "${value}" is not a time hms understands.`, `Use one of: ${TIME_SPEC_FORMS}.`);
  return date.toISOString();
}

function reading(read: LogLinesResponse): CommandOutput {
  return { data: read, human: read.lines.map(formatLine).join('\n') };
}

function listing(list: LogSourcesResponse): CommandOutput {
  const rows = list.sources.map((s) =>
    s.kind === 'journal' ? [s.name, 'journal', s.unit, ''] : [s.name, 'file', s.path, s.exists ? formatBytes(s.size) : 'missing'],
  );
  return { data: list, human: `${table(['SOURCE', 'KIND', 'UNIT OR FILE', 'SIZE'], rows)}\n\n\`hms logs <app>\` reads <app>:production.` };
}

/** Units that log to the journal only, by the name `hms status` lists: each app's workers and scheduled tasks. */
function journalNames(config: Config | undefined): Set<string> {
  const names = Object.entries(config?.apps ?? {}).flatMap(([app, settings]) => [
    ...workersOf(settings).map((worker) => `${app}-${worker.name}`),
    ...Object.keys(settings.schedules).map((schedule) => `${app}-${schedule}`),
  ]);
  return new Set(names);
}

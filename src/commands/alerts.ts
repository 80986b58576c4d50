/**
 * `hms alerts [server]`: the incidents the agent's watcher opened (open first), its channels
 * (queued deliveries, the last error), the recent deliveries and the mutes; exit 1 while an
 * incident is open. `hms alerts test [channel]` sends a test through each channel now;
 * `hms alerts mute <rule|app> --for 2h` holds a rule's or an app's incidents back from the
 * channels (they are still opened and listed); `hms alerts unmute <rule|app>` ends that.
 */
import type { AlertsResponse } from '../api/alerts.js';
import { ALERT_RULES } from '../api/alerts.js';
import { listAlerts, muteAlerts, testAlerts, unmuteAlerts } from '../client/alerts-client.js';
import type { ApiClient } from '../client/api-client.js';
import { AgentError } from '../client/http.js';
import {
  CHANNEL_HEADERS,
  channelRow,
  DELIVERY_HEADERS,
  deliveryRow,
  INCIDENT_HEADERS,
  incidentRow,
  MUTE_HEADERS,
  muteRow,
  testResult,
} from '../core/alert-status.js';
import { formatMinutes, parseMuteDuration } from '../core/incident-format.js';
import { HmsError, UsageError } from '../core/errors.js';
import { formatAgo } from '../core/format.js';
import { NAME_PATTERN } from '../core/names.js';
import { table } from '../core/table.js';
import type { Command, CommandContext, CommandOutput } from './command.js';
import { MUTE_USAGE, UNMUTE_USAGE, alertsHelp } from './help/index.js';
import { onServers, type ServerResult } from './each-server.js';
import { colorOn, RED, YELLOW } from './output.js';

const MUTE_FORMS = '--for takes 30m, 2h, 1d or 1h30m: from 1 minute to 7 days.';
/** Deliveries shown to people; --json has every one the agent keeps. */
const SHOWN_DELIVERIES = 10;

export const alertsCommand: Command = {
  ...alertsHelp,
  async run(context) {
    const [action] = context.args;
    if (action === 'test' || action === 'mute' || action === 'unmute') {
      if (context.flags.readonly) {
        throw new UsageError(`--readonly: nothing is ${action === 'test' ? 'tested' : `${action}d`}.`, 'Run it without --readonly.');
      }
      return action === 'test' ? test(context) : action === 'mute' ? mute(context) : unmute(context);
    }
    return list(context);
  },
};

/** The one server named, the server of an app named, or --all; a 404 says the agent predates alerts. */
async function eachServer<T>(context: CommandContext, task: (client: ApiClient) => Promise<T>, app?: string) {
  const config = await context.loadConfig();
  const server = context.flags.server ?? (app && !context.flags.all ? config?.apps[app]?.server : undefined);
  const scoped = server ? { ...context, flags: { ...context.flags, server } } : context;
  return onServers(scoped, async ({ client, name }) => {
    try {
      return await task(client);
    } catch (error) {
      if (!(error instanceof AgentError && error.status === 404 && /No route/.test(error.message))) throw error;
      throw new HmsError(`${name}: alerts unavailable: the agent predates them.`, { hint: 'Update the agent: `hms update-hosting-api`.' });
    }
  });
}

const unreachable = (r: ServerResult<unknown>): string =>
  `${r.server}: ✗ ${r.error!.message}${r.error!.hint ? `\n  ${r.error!.hint}` : ''}`;
const dataOf = <T>(context: CommandContext, results: ServerResult<T>[]) => (context.flags.all ? results : results[0]!.data);

async function list(context: CommandContext): Promise<CommandOutput> {
  const [server, extra] = context.args;
  if (extra) throw new UsageError(`Unexpected "${extra}".`, 'Usage: `hms alerts [server] [--all]`.');
  const scoped = server ? { ...context, flags: { ...context.flags, server } } : context;
  const results = await eachServer(scoped, listAlerts);
  const color = colorOn(context);
  const now = new Date();
  const human = results.map((r) => (r.ok ? alertsText(r.server, r.data!, now, color) : unreachable(r)));
  const open = results.some((r) => r.data?.incidents.some((i) => !i.resolvedAt));
  return { data: dataOf(context, results), human: human.join('\n\n'), exitCode: open || results.some((r) => !r.ok) ? 1 : 0 };
}

/** The four parts, each a table or one line; an open incident's severity coloured (critical red, warning yellow). */
export function alertsText(server: string, alerts: AlertsResponse, now: Date, color: boolean): string {
  const open = alerts.incidents.filter((i) => !i.resolvedAt).length;
  const checked = alerts.checkedAt ? `, checked ${formatAgo(alerts.checkedAt, now)}` : ', not checked yet';
  const head = alerts.enabled
    ? `${server}: ${open === 0 ? 'no open incident' : `${open} open incident${open === 1 ? '' : 's'}`}${checked}`
    : `${server}: the incidents watcher is off (alerts.enabled in hms.config.json, then \`hms provision\`)`;
  const parts = [head];
  if (alerts.incidents.length > 0) {
    const rows = alerts.incidents.map((i) => incidentRow(i, now));
    parts.push(
      paintedTable(INCIDENT_HEADERS, rows, (line, n) => {
        const { severity, resolvedAt } = alerts.incidents[n]!;
        if (!color || resolvedAt) return line;
        return (severity === 'critical' ? RED : YELLOW)(line.slice(0, severity.length)) + line.slice(severity.length);
      }),
    );
  }
  parts.push('', 'Channels');
  if (alerts.channels.length === 0) parts.push('No channel: incidents are only listed here (alerts.channels in hms.config.json).');
  else {
    const rows = alerts.channels.map((c) => channelRow(c, now));
    // The last error is the last column, so it ends the line.
    parts.push(
      paintedTable(CHANNEL_HEADERS, rows, (line, n) => {
        const error = rows[n]!.at(-1)!;
        return color && error ? line.slice(0, line.length - error.length) + RED(error) : line;
      }),
    );
  }
  if (alerts.deliveries.length > 0) {
    const shown = alerts.deliveries.slice(0, SHOWN_DELIVERIES);
    const more = alerts.deliveries.length - shown.length;
    parts.push('', `Deliveries (newest first${more > 0 ? `; ${more} more in --json` : ''})`);
    parts.push(
      table(
        DELIVERY_HEADERS,
        shown.map((d) => deliveryRow(d, now)),
      ),
    );
  }
  if (alerts.mutes.length > 0) {
    parts.push(
      '',
      'Mutes',
      table(
        MUTE_HEADERS,
        alerts.mutes.map((m) => muteRow(m, now)),
      ),
    );
  }
  return parts.join('\n');
}

/** A table whose body lines `paint` may colour, after padding so the columns stay aligned. */
function paintedTable(headers: string[], rows: string[][], paint: (line: string, row: number) => string): string {
  return table(headers, rows)
    .split('\n')
    .map((line, n) => (n < 2 ? line : paint(line, n - 2)))
    .join('\n');
}

async function test(context: CommandContext): Promise<CommandOutput> {
  const [, channel, extra] = context.args;
  if (extra) throw new UsageError(`Unexpected "${extra}".`, 'Usage: `hms alerts test [channel]`.');
  if (channel !== undefined && !NAME_PATTERN.test(channel)) throw new UsageError(`"${channel}" is not a channel name.`);
  const results = await eachServer(context, (client) => testAlerts(client, channel));
  let failed = results.some((r) => !r.ok);
  const human = results.map((r) => {
    if (!r.ok) return unreachable(r);
    const lines = r.data!.deliveries.map(testResult);
    if (lines.some((line) => !line.ok)) failed = true;
    if (lines.length === 0) failed = true;
    const body = lines.length > 0 ? lines.map((line) => `  ${line.text}`) : ['  no channel to test (alerts.channels in hms.config.json)'];
    return [`${r.server}:`, ...body].join('\n');
  });
  return { data: dataOf(context, results), human: human.join('\n'), exitCode: failed ? 1 : 0 };
}

/** A rule or an app's name: what the agent mutes by; anything else is refused here, before it is sent. */
function muteTarget(context: CommandContext, usage: string): string {
  const [, target, extra] = context.args;
  if (!target) throw new UsageError('Mute what? Name a rule or an app.', `${usage}; rules: ${ALERT_RULES.join(', ')}.`);
  if (extra) throw new UsageError(`Unexpected "${extra}".`, `Usage: \`${usage}\`.`);
  if (!NAME_PATTERN.test(target))
    throw new UsageError(`"${target}" is neither a rule nor an app name.`, `Rules: ${ALERT_RULES.join(', ')}.`);
  return target;
}

async function mute(context: CommandContext): Promise<CommandOutput> {
  const target = muteTarget(context, MUTE_USAGE);
  const minutes = muteMinutes(context.flags.for);
  const results = await eachServer(context, (client) => muteAlerts(client, target, minutes), target);
  const human = results.map((r) =>
    r.ok ? `${r.server}: ${target} muted for ${formatMinutes(minutes)}, until ${r.data!.mute.until}` : unreachable(r),
  );
  return { data: dataOf(context, results), human: human.join('\n'), exitCode: results.some((r) => !r.ok) ? 1 : 0 };
}

/** `--for` in minutes, in the one wording of every view (incident-format.ts); refused with the form. */
function muteMinutes(text: string | undefined): number {
  if (text === undefined) throw new UsageError('How long? `--for` is required.', `\`${MUTE_USAGE}\`; ${MUTE_FORMS}`);
  const parsed = parseMuteDuration(text);
  if (!parsed.ok) throw new UsageError(`--for ${text}: ${parsed.error}`, MUTE_FORMS);
  return parsed.minutes;
}

async function unmute(context: CommandContext): Promise<CommandOutput> {
  const target = muteTarget(context, UNMUTE_USAGE);
  const results = await eachServer(context, (client) => unmuteAlerts(client, target), target);
  const human = results.map((r) =>
    r.ok ? `${r.server}: ${r.data!.removed ? `${target} unmuted` : `${target} was not muted`}` : unreachable(r),
  );
  return { data: dataOf(context, results), human: human.join('\n'), exitCode: results.some((r) => !r.ok) ? 1 : 0 };
}

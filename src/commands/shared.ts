import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { HmsError, UsageError } from '../core/errors.js';
import { isSharedPath } from '../core/names.js';
import type { Config } from '../config/schema.js';
import { sshHost, type Host } from '../provision/host.js';
import { listShared, putShared } from '../provision/shared-remote.js';
import { connectSsh } from '../ssh/connection.js';
import type { Command, CommandContext, CommandOutput } from './command.js';
import { sharedHelp } from './help/index.js';
import { pickServer } from '../client/server-target.js';
import { formatBytes, formatTime } from '../core/format.js';
import { table } from '../core/table.js';

const MAX_PUT_BYTES = 8 * 1024 * 1024;

export const sharedCommand: Command = {
  ...sharedHelp,
  async run(context) {
    const [action, app, ...rest] = context.args;
    if (action === 'list' && app) return withApp(context, app, (host) => list(host, app));
    if (action === 'put' && app && rest[0]) return withApp(context, app, (host) => put(host, app, rest[0]!, rest[1]));
    throw new UsageError(
      `Unknown shared action "${[action, app].filter(Boolean).join(' ')}".`,
      'Use `hms shared list <app>` or `hms shared put <app> <local-file> [shared-path]`.',
    );
  },
};

/** Opens SSH to the app's server as its configured user (deploy) for the length of `body`. */
async function withApp(context: CommandContext, app: string, body: (host: Host) => Promise<CommandOutput>): Promise<CommandOutput> {
  const config = await context.loadConfig();
  const server = appServer(config, app);
  const { name, target } = pickServer(config, server);
  const connection = await connectSsh(target);
  try {
    return await body(sshHost(name, connection));
  } finally {
    connection.close();
  }
}

function appServer(config: Config | undefined, app: string): string {
  const known = Object.keys(config?.apps ?? {});
  const entry = config?.apps[app];
  if (!entry) throw new UsageError(`Unknown app "${app}".`, `Known apps: ${known.join(', ') || 'none (add one to hms.config.json)'}.`);
  return entry.server;
}

async function list(host: Host, app: string): Promise<CommandOutput> {
  const result = await listShared(host, app);
  const rows = result.entries.map((e) => [e.path, formatBytes(e.size), e.mode, formatTime(e.mtime)]);
  const lines = [
    `${result.root} on ${host.name} (${result.skipped.map((dir) => `${dir}/`).join(', ')} not listed)`,
    table(['path', 'size', 'mode', 'modified'], rows),
  ];
  if (result.truncated) lines.push(`… only the first ${result.entries.length} files are shown`);
  return { data: result, human: lines.join('\n') };
}

async function put(host: Host, app: string, local: string, target: string | undefined): Promise<CommandOutput> {
  const file = target ?? `config/${path.basename(local)}`;
  if (!isSharedPath(file))
    throw new UsageError(
      `"${file}" is not a path inside shared/.`,
      'Give a relative path of letters, digits and "._-" such as config/master.key (no "..", no leading "/").',
    );
  const size = (
    await stat(local).catch((error: NodeJS.ErrnoException) => {
      throw new HmsError(`Cannot read ${local} (${error.code}).`, { hint: 'Check the path of the local file.', cause: error });
    })
  ).size;
  if (size > MAX_PUT_BYTES)
    throw new HmsError(`${local} is larger than 8 MiB.`, { hint: 'shared/ is for keys and configuration; copy large data another way.' });
  const report = await putShared(host, app, file, await readFile(local));
  const human = !report.changed
    ? `${report.remote} on ${host.name} already has this content; nothing changed.`
    : [
        `Put ${local} at ${report.remote} on ${host.name} (${formatBytes(report.bytes)}, mode ${report.mode}).`,
        report.backup ? `The previous version is kept as ${report.backup}.` : 'There was no previous version.',
      ].join('\n');
  return { data: report, human };
}

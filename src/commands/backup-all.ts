/**
 * `hms backup --all`: every app with a PostgreSQL database on every server (or on the one
 * --server names), one server after another's connection opened, each app's result on its
 * own: one failing backup does not stop the others, and the exit code says whether all went well.
 */
import type { BackupResult, DrillResult } from '../api/backups.js';
import { drillBackup, takeBackup } from '../client/backups-client.js';
import { connectServer } from '../client/connect.js';
import { backupSummary, drillLine } from '../core/backup-render.js';
import { UsageError } from '../core/errors.js';
import type { CommandContext, CommandOutput } from './command.js';

export interface AppBackup {
  server: string;
  app: string;
  ok: boolean;
  result?: BackupResult;
  drill?: DrillResult;
  /** Why the server or the agent could not be asked. */
  error?: string;
}

export async function backUpAll(context: CommandContext): Promise<CommandOutput> {
  const config = await context.loadConfig();
  if (!config) throw new UsageError('`hms backup --all` needs hms.config.json.', 'Run `hms init` first.');
  const servers = context.flags.server ? [context.flags.server] : Object.keys(config.servers);
  for (const server of servers) {
    if (!config.servers[server]) throw new UsageError(`Unknown server "${server}".`, `Known: ${Object.keys(config.servers).join(', ')}.`);
  }
  const appsOn = (server: string) =>
    Object.entries(config.apps)
      .filter(([, app]) => app.server === server && app.database.adapter === 'postgresql')
      .map(([name]) => name);
  const results: AppBackup[] = [];
  for (const server of servers.filter((s) => appsOn(s).length > 0)) {
    context.note(`Backing up ${appsOn(server).join(', ')} on ${server}…`);
    let connected: Awaited<ReturnType<typeof connectServer>> | undefined;
    try {
      connected = await connectServer(context, config, server);
      for (const app of appsOn(server)) results.push(await backUpOne(context, connected.client, server, app));
    } catch (error) {
      const done = new Set(results.filter((r) => r.server === server).map((r) => r.app));
      for (const app of appsOn(server).filter((a) => !done.has(a)))
        results.push({ server, app, ok: false, error: (error as Error).message });
    } finally {
      await connected?.close();
    }
  }
  const human =
    results.length === 0
      ? 'No app with a PostgreSQL database on these servers: nothing to back up.'
      : results.map((r) => `${r.server}: ${r.result ? backupSummary(r.result) : `${r.app}: ✗ ${r.error}`}${drillText(r)}`).join('\n');
  return { data: results, human, exitCode: results.every((r) => r.ok) ? 0 : 1 };
}

async function backUpOne(
  context: CommandContext,
  client: Parameters<typeof takeBackup>[0],
  server: string,
  app: string,
): Promise<AppBackup> {
  const result = await takeBackup(client, app);
  if (!result.ok || !context.flags.drill) return { server, app, ok: result.ok, result };
  const { drill } = await drillBackup(client, app);
  return { server, app, ok: drill.ok, result, drill };
}

const drillText = (r: AppBackup): string => (r.drill ? `\n  restore drill: ${drillLine(r.drill)}` : '');

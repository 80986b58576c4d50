import type { AppsResponse, AppStatus } from '../api/apps.js';
import type { BackupOverview } from '../api/backups.js';
import type { ApiClient } from '../client/api-client.js';
import { backupStatusLines } from '../core/backup-status.js';
import type { Command } from './command.js';
import { statusHelp } from './help/index.js';
import { onServers, serversSummary } from './each-server.js';
import { formatBytes, formatSince, unitLabel } from '../core/format.js';
import { table } from '../core/table.js';
import { colorOn, RED } from './output.js';

type StatusData = AppsResponse & { backups?: BackupOverview; backupsError?: string };

export const statusCommand: Command = {
  ...statusHelp,
  async run(context) {
    const only = context.args[0];
    // An app named without --server: its own server, as `hms deploy <app>` picks it.
    const appServer = only && !context.flags.server && !context.flags.all ? (await context.loadConfig())?.apps[only]?.server : undefined;
    const scoped = appServer ? { ...context, flags: { ...context.flags, server: appServer } } : context;
    const results = await onServers(scoped, async ({ client }): Promise<StatusData> => {
      const { backups: given, backupsError, ...snapshot } = await client.appsWithBackups();
      const backups = given || backupsError !== undefined ? { backups: given, backupsError } : await readBackups(client);
      if (!only) return { ...snapshot, ...backups };
      const apps = snapshot.apps.filter((app) => app.name === only || app.app === only);
      const overview = backups.backups && { ...backups.backups, apps: backups.backups.apps.filter((app) => app.app === only) };
      return { ...snapshot, ...backups, ...(overview ? { backups: overview } : {}), apps };
    });
    const color = colorOn(context);
    const failed = results.some((r) => !r.ok || (only && r.data?.apps.length === 0));
    const data = context.flags.all ? results : results[0]!.data;
    return {
      data,
      human: [
        ...results.map((r) =>
          r.ok ? render(r.server, r.data!, only, color) : `${r.server}: ✗ ${r.error!.message}\n  ${r.error!.hint ?? ''}`,
        ),
        ...(context.flags.all && results.length > 1 ? [serversSummary(results)] : []),
      ].join('\n\n'),
      exitCode: failed ? 1 : 0,
    };
  },
};

/** The backups overview; an agent that cannot give one (older, or failing) leaves the rest of the status standing. */
async function readBackups(client: ApiClient): Promise<Pick<StatusData, 'backups' | 'backupsError'>> {
  try {
    return { backups: await client.backupOverview() };
  } catch (error) {
    return { backupsError: (error as Error).message };
  }
}

function render(server: string, snapshot: StatusData, only: string | undefined, color: boolean): string {
  if (only && snapshot.apps.length === 0) return `${server}: no app named "${only}".`;
  const now = new Date(snapshot.at);
  const rows = snapshot.apps.map((app) => row(app, now));
  const problems = [...new Set(snapshot.apps.flatMap((app) => (app.problem ? [app.problem] : [])))];
  return [
    `${server} (${snapshot.hostname}, agent ${snapshot.version})`,
    table(['APP', 'STATE', 'SINCE', 'MEMORY', 'RESTARTS', 'HEALTH', 'RELEASE'], rows),
    ...problems.map((problem) => `note: ${problem}`),
    ...(snapshot.backups ? backupStatusLines(snapshot.backups) : []).map(({ state, text }) =>
      color && (state === 'overdue' || state === 'failed') ? RED(text) : text,
    ),
    ...(snapshot.backupsError ? [`note: backups: ${snapshot.backupsError}`] : []),
  ].join('\n');
}

function row(app: AppStatus, now: Date): string[] {
  const s = app.state;
  const mark = s.activeState === 'active' ? '●' : s.activeState === 'unknown' ? '?' : '✗';
  const health = !app.health ? '–' : app.health.ok ? `ok ${Math.round(app.health.ms)}ms` : `✗ ${app.health.error ?? app.health.status}`;
  return [
    unitLabel(app),
    `${mark} ${s.activeState}/${s.subState}${app.maintenance ? ' · maintenance' : ''}`,
    formatSince(s.since, now),
    formatBytes(s.memoryBytes),
    String(s.restarts ?? '–'),
    health,
    app.currentRelease ?? '–',
  ];
}

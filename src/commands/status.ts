import type { AppsResponse, AppStatus } from '../api/apps.js';
import type { Command } from './command.js';
import { onServers } from './each-server.js';
import { formatBytes, formatSince } from '../core/format.js';
import { table } from '../core/table.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Apps, nginx and the agent: state, since, memory, restarts, health, release',
  usage: ['hms status [app] [--all]'],
  flags: [['--all', 'every configured server, concurrently']],
  examples: ['hms status', 'hms status cigar', 'hms status --all --json'],
  async run(context) {
    const only = context.args[0];
    const results = await onServers(context, async ({ client }) => {
      const snapshot = await client.apps();
      return only ? { ...snapshot, apps: snapshot.apps.filter((app) => app.name === only) } : snapshot;
    });
    const failed = results.some((r) => !r.ok || (only && r.data?.apps.length === 0));
    const data = context.flags.all ? results : results[0]!.data;
    return {
      data,
      human: results
        .map((r) => (r.ok ? render(r.server, r.data!, only) : `${r.server}: ✗ ${r.error!.message}\n  ${r.error!.hint ?? ''}`))
        .join('\n\n'),
      exitCode: failed ? 1 : 0,
    };
  },
};

function render(server: string, snapshot: AppsResponse, only: string | undefined): string {
  if (only && snapshot.apps.length === 0) return `${server}: no app named "${only}".`;
  const now = new Date(snapshot.at);
  const rows = snapshot.apps.map((app) => row(app, now));
  const problems = [...new Set(snapshot.apps.flatMap((app) => (app.problem ? [app.problem] : [])))];
  return [
    `${server} (${snapshot.hostname}, agent ${snapshot.version})`,
    table(['APP', 'STATE', 'SINCE', 'MEMORY', 'RESTARTS', 'HEALTH', 'RELEASE'], rows),
    ...problems.map((problem) => `note: ${problem}`),
  ].join('\n');
}

function row(app: AppStatus, now: Date): string[] {
  const s = app.state;
  const mark = s.activeState === 'active' ? '●' : s.activeState === 'unknown' ? '?' : '✗';
  const health = !app.health ? '–' : app.health.ok ? `ok ${Math.round(app.health.ms)}ms` : `✗ ${app.health.error ?? app.health.status}`;
  return [
    app.name,
    `${mark} ${s.activeState}/${s.subState}`,
    formatSince(s.since, now),
    formatBytes(s.memoryBytes),
    String(s.restarts ?? '–'),
    health,
    app.currentRelease ?? '–',
  ];
}

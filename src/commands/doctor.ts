import { listAlerts } from '../client/alerts-client.js';
import type { ApiClient } from '../client/api-client.js';
import { backupOverview } from '../client/backups-client.js';
import { diagnose, type Finding, type Level } from '../client/diagnose.js';
import { AgentError } from '../client/http.js';
import { alertFindings } from '../core/alert-status.js';
import { backupFindings } from '../core/backup-status.js';
import { scheduleFindings } from '../core/schedule-status.js';
import { listSchedules } from '../client/schedules-client.js';
import { VERSION } from '../core/version.js';
import type { Command } from './command.js';
import { doctorHelp } from './help/index.js';
import { onServers } from './each-server.js';
import { colorOn, RED } from './output.js';

const MARK: Record<Level, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

export const doctorCommand: Command = {
  ...doctorHelp,
  async run(context) {
    const results = await onServers(context, async ({ client }) => [
      ...(await diagnose(client, VERSION)),
      ...(await backups(client)),
      ...(await schedules(client)),
      ...(await alerts(client)),
    ]);
    const lines: string[] = [];
    let failing = false;
    for (const r of results) {
      lines.push(`${r.server}:`);
      if (!r.ok) {
        failing = true;
        lines.push(`  ✗ cannot reach the server: ${r.error!.message}`, ...(r.error!.hint ? [`    → ${r.error!.hint}`] : []));
        continue;
      }
      for (const f of r.data!) {
        if (f.level === 'fail') failing = true;
        const line = `  ${MARK[f.level]} ${f.check.padEnd(28)} ${f.summary}`;
        lines.push(f.level === 'fail' && colorOn(context) ? RED(line) : line);
        if (f.next) lines.push(`    → ${f.next}`);
      }
    }
    const needs = results.flatMap((r) => r.data ?? []).filter((f) => f.level === 'fail' || f.level === 'warn').length;
    lines.push('', needs === 0 && !failing ? 'Nothing needs attention.' : `${needs} item(s) need attention.`);
    return { data: context.flags.all ? results : results[0]!.data, human: lines.join('\n'), exitCode: failing ? 1 : 0 };
  },
};

/** Each app's backup and drill, and the repository's last check; an agent without the overview is said so, not failed. */
async function backups(client: ApiClient): Promise<Finding[]> {
  try {
    return backupFindings(await backupOverview(client), new Date());
  } catch (error) {
    return [
      { check: 'backups', level: 'skip', summary: `no backup overview: ${(error as Error).message}`, next: 'hms update-hosting-api' },
    ];
  }
}

/** Each schedule whose last run failed (named, with how to see its output); an agent without schedules is said so. */
async function schedules(client: ApiClient): Promise<Finding[]> {
  try {
    return scheduleFindings((await listSchedules(client)).schedules, new Date());
  } catch (error) {
    return [{ check: 'schedules', level: 'skip', summary: `no schedules: ${(error as Error).message}`, next: 'hms update-hosting-api' }];
  }
}

/** Each open incident (severity, title, since) and each failing alert channel; an agent without alerts (404) is said so. */
async function alerts(client: ApiClient): Promise<Finding[]> {
  try {
    const overview = await listAlerts(client);
    if (!overview.enabled) return [{ check: 'alerts', level: 'skip', summary: 'the incidents watcher is off (alerts.enabled)' }];
    return alertFindings(overview.incidents, overview.channels, new Date());
  } catch (error) {
    if (error instanceof AgentError && error.status === 404)
      return [{ check: 'alerts', level: 'skip', summary: 'alerts unavailable: update the agent (hms update-hosting-api)' }];
    const { message, hint } = error as Error & { hint?: string };
    return [{ check: 'alerts', level: 'skip', summary: `no alerts: ${message}`, next: hint ?? 'hms alerts' }];
  }
}

/**
 * `hms doctor`: one report of what needs attention on a server, each finding with
 * what to do next. It only reads: units, disks, certificates, recent log errors,
 * and whether the agent runs the same version as this laptop.
 */
import type { AppStatus } from '../api/apps.js';
import type { ApiClient } from './api-client.js';
import { listReleases } from './deploys-client.js';
import { runScriptJson } from './doctor-scripts.js';

export type Level = 'ok' | 'warn' | 'fail' | 'skip';

export interface Finding {
  check: string;
  level: Level;
  summary: string;
  next?: string;
}

const SCRIPT_LEVEL: Record<number, Level> = { 0: 'ok', 1: 'warn', 2: 'fail' };

export async function diagnose(client: ApiClient, laptopVersion: string): Promise<Finding[]> {
  const [apps, metrics, certs, logs] = await Promise.allSettled([
    client.apps(),
    client.metrics(60),
    runScriptJson(client, 'check_ssl_certs', []),
    runScriptJson(client, 'parse_logs', ['--since', '60']),
  ]);
  const findings: Finding[] = [];

  if (apps.status === 'fulfilled') {
    const snapshot = apps.value;
    const undeployed = await neverDeployed(client, snapshot.apps.filter(isStopped));
    for (const app of snapshot.apps) {
      const s = app.state;
      if (s.activeState === 'unknown') findings.push({ check: `unit ${app.name}`, level: 'skip', summary: app.problem ?? 'state unknown' });
      else if (undeployed.has(app.name))
        findings.push({
          check: `unit ${app.name}`,
          level: 'fail',
          summary: `${s.activeState}: never deployed (no current release)`,
          next: `hms deploy ${app.name}`,
        });
      else if (isStopped(app))
        findings.push({
          check: `unit ${app.name}`,
          level: 'fail',
          summary: `${s.activeState} (${s.result ?? 'no result'})`,
          next: `hms logs ${journalOf(app)} -n 50, then hms start ${app.name}`,
        });
      else if ((s.restarts ?? 0) > 0)
        findings.push({
          check: `unit ${app.name}`,
          level: 'warn',
          summary: `restarted automatically ${s.restarts} time(s)`,
          next: `hms logs ${journalOf(app)} --since -1h`,
        });
      else if (app.health && !app.health.ok)
        findings.push({
          check: `unit ${app.name}`,
          level: 'fail',
          summary: `running but unhealthy: ${app.health.error ?? `HTTP ${app.health.status}`}`,
          next: `hms logs ${app.name} -n 100`,
        });
      else findings.push({ check: `unit ${app.name}`, level: 'ok', summary: `${s.activeState}/${s.subState}` });
    }
    findings.push(
      snapshot.version === laptopVersion
        ? { check: 'agent version', level: 'ok', summary: `${snapshot.version}, same as this hms` }
        : {
            check: 'agent version',
            level: 'warn',
            summary: `agent ${snapshot.version}, this hms ${laptopVersion}`,
            next: 'hms update-hosting-api',
          },
    );
  } else findings.push({ check: 'units', level: 'fail', summary: apps.reason.message, next: apps.reason.hint });

  if (metrics.status === 'fulfilled') {
    for (const disk of metrics.value.disks) {
      const level: Level = disk.usedPercent >= 90 ? 'fail' : disk.usedPercent >= 80 ? 'warn' : 'ok';
      findings.push({
        check: `disk ${disk.paths.join(', ')}`,
        level,
        summary: `${disk.usedPercent.toFixed(0)}% used`,
        ...(level === 'ok' ? {} : { next: 'hms run check_disk_space' }),
      });
    }
    const m = metrics.value.nginx;
    if (m.errors5xx > 0)
      findings.push({
        check: 'nginx 5xx',
        level: 'warn',
        summary: `${m.errors5xx} of ${m.requests} requests in the last ${m.minutes} min`,
        next: 'hms logs nginx:error -n 100',
      });
  } else findings.push({ check: 'metrics', level: 'fail', summary: metrics.reason.message });

  findings.push(scriptFinding('certificates', certs, 'hms run check_ssl_certs'));
  findings.push(scriptFinding('errors in logs (1 h)', logs, 'hms run parse_logs --since 60'));
  findings.push({ check: 'deploy locks', level: 'skip', summary: 'no deploy locks on this agent version' });
  return findings;
}

/** A unit's journal as a log source: an app's or a worker's by its name, nginx's and the agent's by their kind. */
function journalOf(app: AppStatus): string {
  return `journal:${app.kind === 'app' || app.kind === 'worker' ? app.name : app.kind}`;
}

function isStopped(app: AppStatus): boolean {
  return app.state.activeState === 'failed' || (app.state.activeState === 'inactive' && app.kind !== 'agent');
}

/**
 * The stopped apps with no release live (no `current`): starting them cannot work,
 * deploying can. An app whose releases cannot be read is left to the start advice.
 */
async function neverDeployed(client: ApiClient, stopped: AppStatus[]): Promise<Set<string>> {
  const apps = stopped.filter((app) => app.kind === 'app');
  const releases = await Promise.allSettled(apps.map((app) => listReleases(client, app.name)));
  const undeployed = apps.filter((_, i) => {
    const result = releases[i]!;
    return result.status === 'fulfilled' && !result.value.some((release) => release.current);
  });
  return new Set(undeployed.map((app) => app.name));
}

function scriptFinding(check: string, result: PromiseSettledResult<{ code: number | null; stdout: string }>, next: string): Finding {
  if (result.status === 'rejected') return { check, level: 'skip', summary: (result.reason as Error).message };
  const summary =
    result.value.stdout
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? '(no output)';
  const level = SCRIPT_LEVEL[result.value.code ?? -1] ?? 'skip';
  return { check, level, summary, ...(level === 'warn' || level === 'fail' ? { next } : {}) };
}
